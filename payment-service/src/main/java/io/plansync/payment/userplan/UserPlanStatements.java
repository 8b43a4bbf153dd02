package io.plansync.payment.userplan;

import io.micronaut.core.annotation.Nullable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The plan statements of the webhook's hot path, written for any number of users at once (arrays, one round trip
 * each) so that one event and a group of concurrent events take the same statements.
 */
final class UserPlanStatements {
    private UserPlanStatements() {
    }

    /** What decides a user's plan: the plan recorded now, and the newest succeeded payment not refunded. */
    record PlanState(@Nullable String currentPlan, @Nullable Instant currentEventAt, @Nullable String standingPlan,
                     @Nullable String standingPaymentIntentId) {
    }

    /** A plan to record and queue for identity-service. */
    record NewPlan(UUID userId, String plan, String status, @Nullable String paymentIntentId, String eventId,
                   Instant at, @Nullable String correlationId) {
    }

    /**
     * Read only while holding the users' locks. Both reads are LATERAL ... LIMIT 1 so that they are always index
     * lookups per user: a plain join let PostgreSQL cache a plan made while user_plans was nearly empty (a hash join
     * over a full scan), which cost 2-5 ms per call once the table had grown.
     */
    static Map<UUID, PlanState> planStates(Connection connection, List<UUID> userIds) throws SQLException {
        Map<UUID, PlanState> states = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "select u.user_id, up.plan, up.source_event_at, p.plan, p.payment_intent_id "
                        + "from unnest(?::uuid[]) u(user_id) "
                        + "left join lateral (select plan, source_event_at from user_plans where user_id = u.user_id "
                        + "limit 1) up on true "
                        + "left join lateral (select plan, payment_intent_id from payments where user_id = u.user_id "
                        + "and status = 'succeeded' order by succeeded_at desc, payment_intent_id desc limit 1) p on true")) {
            statement.setArray(1, texts(connection, userIds.stream().map(UUID::toString).toList()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    OffsetDateTime currentAt = rows.getObject(3, OffsetDateTime.class);
                    states.put(rows.getObject(1, UUID.class), new PlanState(rows.getString(2),
                            currentAt == null ? null : currentAt.toInstant(), rows.getString(4), rows.getString(5)));
                }
            }
        }
        return states;
    }

    /** Records each user's plan and queues it for identity-service, in one statement (at most one plan per user). */
    static void setAndEnqueueAll(Connection connection, List<NewPlan> plans) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "with input as (select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], "
                        + "?::timestamptz[], ?::text[]) i(user_id, plan, status, payment_intent_id, event_id, event_at, "
                        + "correlation_id)), "
                        + "saved as (insert into user_plans (user_id, plan, status, payment_intent_id, source_event_id, "
                        + "source_event_at) select user_id, plan, status, payment_intent_id, event_id, event_at from input "
                        + "on conflict (user_id) do update set plan = excluded.plan, status = excluded.status, "
                        + "payment_intent_id = excluded.payment_intent_id, source_event_id = excluded.source_event_id, "
                        + "source_event_at = excluded.source_event_at, updated_at = now() returning user_id) "
                        + "insert into outbox (user_id, plan, status, event_id, source_event_at, correlation_id) "
                        + "select i.user_id, i.plan, i.status, i.event_id, i.event_at, i.correlation_id "
                        + "from input i join saved s using (user_id)")) {
            statement.setArray(1, texts(connection, plans.stream().map(p -> p.userId().toString()).toList()));
            statement.setArray(2, texts(connection, plans.stream().map(NewPlan::plan).toList()));
            statement.setArray(3, texts(connection, plans.stream().map(NewPlan::status).toList()));
            statement.setArray(4, texts(connection, plans.stream().map(NewPlan::paymentIntentId).toList()));
            statement.setArray(5, texts(connection, plans.stream().map(NewPlan::eventId).toList()));
            statement.setArray(6, texts(connection, plans.stream().map(p -> p.at().toString()).toList()));
            statement.setArray(7, texts(connection, plans.stream().map(NewPlan::correlationId).toList()));
            int queued = statement.executeUpdate();
            if (queued != plans.size()) {
                throw new SQLException("queued " + queued + " of " + plans.size() + " plan changes");
            }
        }
    }

    /** Arrays go as text and are cast in SQL, one encoding for every column type. */
    static java.sql.Array texts(Connection connection, List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
