package io.plansync.identity.plan;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.UUID;

/** Source event ids already applied to a plan. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AppliedPlanEvents extends GenericRepository<AppliedPlanEvents.Row, String> {

    /**
     * Remembers the event and, only if it is new, sets the user's plan: one round trip per change, which matters
     * for batches. A concurrent transaction inserting the same id makes this wait for its outcome. It ends in a
     * select because Micronaut Data runs any statement with INSERT ... RETURNING as a query.
     *
     * @return 1 if the event was new and the plan is set, 0 if the event was applied before
     */
    @Query("with remembered as (insert into applied_plan_events (event_id, user_id) values (:eventId, :userId) "
            + "on conflict do nothing returning event_id), "
            + "updated as (update users set plan = :plan, status = :status, plan_changed_at = :planChangedAt, "
            + "updated_at = now() where id = :userId and exists (select 1 from remembered) returning id) "
            + "select count(*)::int from updated")
    int updatePlanIfNew(String eventId, UUID userId, String plan, String status, Instant planChangedAt);

    @MappedEntity("applied_plan_events")
    record Row(@Id String eventId, UUID userId, Instant appliedAt) {
    }
}
