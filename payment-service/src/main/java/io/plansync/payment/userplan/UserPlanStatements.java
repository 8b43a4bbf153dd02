package io.plansync.payment.userplan;

import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.plansync.support.sql.SqlArrays.texts;

/**
 * The plan rule as one statement, for any number of users at once (arrays), so that one event and a group of
 * concurrent events take the same statement, and so that the webhook's hot path can send it in the same round trip
 * as the statement that records its events ({@link #RECORD_FOR_ACCEPTED_EVENTS}).
 *
 * <p>The rule: a user's plan is that of their newest succeeded payment not refunded (free if none), whatever order
 * Stripe's events arrive in. If that differs from the plan recorded now, it is recorded and queued for
 * identity-service with the event's time, but always later than the user's previous change, so identity-service
 * (which keeps the newest) ends with this plan even if earlier syncs are delivered after it.
 *
 * <p>Run it only while holding the users' plan locks, taken by an earlier statement of the same transaction: each
 * statement reads what was committed before it started, so the locks must be held before it starts.
 */
public final class UserPlanStatements {
    /**
     * A transaction-local setting, a text[] of event ids: the events the statement before
     * {@link #RECORD_FOR_ACCEPTED_EVENTS} in the same transaction accepted (the others were redeliveries).
     */
    public static final String ACCEPTED_EVENTS = "plansync.accepted_events";

    /** The plan changes of every input row (at most one per user), returning the users whose plan changed. */
    static final String RECORD = record("");

    /** {@link #RECORD} for the input rows whose event is in {@link #ACCEPTED_EVENTS}. */
    public static final String RECORD_FOR_ACCEPTED_EVENTS = record(
            "where i.event_id = any(current_setting('" + ACCEPTED_EVENTS + "')::text[])");

    private UserPlanStatements() {
    }

    /**
     * Both reads are LATERAL ... LIMIT 1 so that they are always index lookups per user: a plain join let PostgreSQL
     * cache a plan made while user_plans was nearly empty (a hash join over a full scan), which cost 2-5 ms per call
     * once the table had grown. {@code greatest} ignores a missing previous change.
     */
    private static String record(String which) {
        return "with input as (select * from unnest(?::uuid[], ?::text[], ?::timestamptz[], ?::text[]) "
                + "i(user_id, event_id, event_at, correlation_id) " + which + "), "
                + "decided as (select i.user_id, coalesce(standing.plan, '" + Plan.FREE.wire() + "') as plan, "
                + "standing.payment_intent_id, i.event_id, "
                + "greatest(i.event_at, recorded.source_event_at + interval '1 microsecond') as event_at, i.correlation_id "
                + "from input i "
                + "left join lateral (select plan, source_event_at from user_plans where user_id = i.user_id "
                + "limit 1) recorded on true "
                + "left join lateral (select plan, payment_intent_id from payments where user_id = i.user_id "
                + "and status = 'succeeded' order by succeeded_at desc, payment_intent_id desc limit 1) standing on true "
                + "where recorded.plan is distinct from coalesce(standing.plan, '" + Plan.FREE.wire() + "')), "
                + "saved as (insert into user_plans (user_id, plan, status, payment_intent_id, source_event_id, "
                + "source_event_at) select user_id, plan, '" + PlanStatus.ACTIVE.wire() + "', payment_intent_id, "
                + "event_id, event_at from decided "
                + "on conflict (user_id) do update set plan = excluded.plan, status = excluded.status, "
                + "payment_intent_id = excluded.payment_intent_id, source_event_id = excluded.source_event_id, "
                + "source_event_at = excluded.source_event_at, updated_at = now() returning user_id) "
                + "insert into outbox (user_id, plan, status, event_id, source_event_at, correlation_id) "
                + "select d.user_id, d.plan, '" + PlanStatus.ACTIVE.wire() + "', d.event_id, d.event_at, "
                + "d.correlation_id from decided d join saved s using (user_id) returning user_id";
    }

    /**
     * Binds the input rows of {@link #RECORD} or {@link #RECORD_FOR_ACCEPTED_EVENTS}, whose first parameter is
     * {@code first}. @return the index of the next parameter
     */
    public static int bind(PreparedStatement statement, int first, List<PlanChangeRecorder.PaymentsChange> changes)
            throws SQLException {
        Connection connection = statement.getConnection();
        statement.setArray(first, texts(connection, changes, c -> c.userId().toString()));
        statement.setArray(first + 1, texts(connection, changes, PlanChangeRecorder.PaymentsChange::eventId));
        // Truncated to what timestamptz holds (its input would round up): never later than the event.
        statement.setArray(first + 2, texts(connection, changes,
                c -> c.eventAt().truncatedTo(ChronoUnit.MICROS).toString()));
        statement.setArray(first + 3, texts(connection, changes, PlanChangeRecorder.PaymentsChange::correlationId));
        return first + 4;
    }

    /** The users whose plan changed, from the statement's rows. */
    public static Set<UUID> changedUsers(ResultSet rows) throws SQLException {
        Set<UUID> changed = new HashSet<>();
        while (rows.next()) {
            changed.add(rows.getObject(1, UUID.class));
        }
        return changed;
    }
}
