package io.plansync.payment.reconcile;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.plansync.contracts.OutboxState;
import io.plansync.payment.userplan.UserPlans;

import java.util.List;
import java.util.UUID;

/** The queries reconciliation needs, and the record of its runs. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface Reconciliations extends GenericRepository<Reconciliations.Run, Long> {

    /** Users whose plan is settled here: no outbox row for them is still on its way. Keyset by user id. */
    @Query("select * from user_plans p where p.user_id > :after and not exists (select 1 from outbox o "
            + "where o.user_id = p.user_id and o.state in " + OutboxState.Names.SQL_WAITING + ") "
            + "order by p.user_id limit :limit")
    List<UserPlans.UserPlan> settledAfter(UUID after, int limit);

    @Query("select count(*) from stripe_events where event_id = :eventId")
    long received(String eventId);

    @MappedEntity("reconciliation_runs")
    record Run(@Id Long id, boolean dryRun, int checked, int drifted, int enqueued, int failed) {
    }
}
