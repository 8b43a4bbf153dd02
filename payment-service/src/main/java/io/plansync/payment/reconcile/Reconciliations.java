package io.plansync.payment.reconcile;

import io.plansync.contracts.OutboxState;
import io.plansync.payment.userplan.UserPlans;
import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.UUID;

/** The queries reconciliation needs. */
@Singleton
public class Reconciliations {

    private final Sql sql;

    Reconciliations(Sql sql) {
        this.sql = sql;
    }

    /** Users whose plan is settled here: no outbox row for them is still on its way. Keyset by user id. */
    public List<UserPlans.UserPlan> settledAfter(UUID after, int limit) {
        return sql.list("select * from user_plans p where p.user_id > ? and not exists (select 1 from outbox o "
                + "where o.user_id = p.user_id and o.state in " + OutboxState.Names.SQL_WAITING + ") "
                + "order by p.user_id limit ?", UserPlans.UserPlan::read, after, limit);
    }

    public long received(String eventId) {
        return sql.number("select count(*) from stripe_events where event_id = ?", eventId);
    }
}
