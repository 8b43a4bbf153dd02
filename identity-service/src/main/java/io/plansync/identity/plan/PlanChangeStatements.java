package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.plansync.support.sql.SqlArrays.texts;

/**
 * The writes of plan changes, one statement each whatever the number of changes (arrays sent as text and cast in
 * SQL), so that a batch of 100 costs what one change costs in round trips.
 */
final class PlanChangeStatements {
    private PlanChangeStatements() {
    }

    record Remember(String eventId, UUID userId) {
    }

    record SetPlan(UUID userId, String plan, String status, Instant planChangedAt, @Nullable Instant validUntil) {
    }

    /**
     * Remembers the events; an id applied before, or twice in the list, is remembered once (the first). A concurrent
     * transaction inserting the same id makes this wait for its outcome.
     *
     * @return the ids that were new
     */
    static Set<String> rememberNew(Connection connection, List<Remember> events) throws SQLException {
        Set<String> remembered = new HashSet<>();
        if (events.isEmpty()) {
            return remembered;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "insert into applied_plan_events (event_id, user_id) "
                        + "select * from unnest(?::text[], ?::uuid[]) on conflict do nothing returning event_id")) {
            statement.setArray(1, texts(connection, events, Remember::eventId));
            statement.setArray(2, texts(connection, events, e -> e.userId().toString()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    remembered.add(rows.getString(1));
                }
            }
        }
        return remembered;
    }

    /** Sets each user's plan (at most one per user). */
    static void setPlans(Connection connection, List<SetPlan> plans) throws SQLException {
        if (plans.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "update users u set plan = v.plan, status = v.status, plan_changed_at = v.at, "
                        + "plan_valid_until = v.valid_until, plan_version = u.plan_version + 1, updated_at = now() "
                        + "from unnest(?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[]) "
                        + "v(id, plan, status, at, valid_until) "
                        + "where u.id = v.id")) {
            statement.setArray(1, texts(connection, plans, p -> p.userId().toString()));
            statement.setArray(2, texts(connection, plans, SetPlan::plan));
            statement.setArray(3, texts(connection, plans, SetPlan::status));
            statement.setArray(4, texts(connection, plans, p -> p.planChangedAt().toString()));
            statement.setArray(5, texts(connection, plans,
                    p -> p.validUntil() == null ? null : p.validUntil().toString()));
            statement.executeUpdate();
        }
    }

}
