package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import io.plansync.support.sql.Sql;
import io.plansync.support.sql.SqlArrays;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** The append-only trail of plan-change attempts. There is deliberately no update or delete here. */
@Singleton
public class PlanChangeAudit {

    private static final String INSERT = "insert into plan_change_audit (actor_type, actor_id, token_jti, "
            + "target_user_id, from_plan, from_status, to_plan, to_status, updated_by, event_id, source_timestamp, "
            + "result, http_status, code) ";

    private final Sql sql;

    PlanChangeAudit(Sql sql) {
        this.sql = sql;
    }

    /** One entry, on the caller's transaction if there is one; {@code occurred_at} takes the column default. */
    public void save(Entry entry) {
        sql.update(INSERT + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entry.actorType(), entry.actorId(),
                entry.tokenJti(), entry.targetUserId(), entry.fromPlan(), entry.fromStatus(), entry.toPlan(),
                entry.toStatus(), entry.updatedBy(), entry.eventId(), entry.sourceTimestamp(), entry.result(),
                entry.httpStatus(), entry.code());
    }

    /**
     * Inserts the entries in one statement on the caller's transaction (arrays, one per column), whatever their
     * number, where a statement per row would cost a round trip each.
     * {@code occurred_at} takes the column default (the transaction's start); ids follow the entries' order.
     */
    public static void insertAll(Connection connection, List<Entry> entries) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT + "select * from unnest(?::text[], "
                + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
                + "?::timestamptz[], ?::text[], ?::int[], ?::text[])")) {
            List<Function<Entry, Object>> columns = List.of(Entry::actorType, Entry::actorId, Entry::tokenJti,
                    Entry::targetUserId, Entry::fromPlan, Entry::fromStatus, Entry::toPlan, Entry::toStatus,
                    Entry::updatedBy, Entry::eventId, Entry::sourceTimestamp, Entry::result, Entry::httpStatus,
                    Entry::code);
            for (int c = 0; c < columns.size(); c++) {
                Function<Entry, Object> column = columns.get(c);
                // Sent as text and cast in SQL: one encoding for every column type (Instant prints as ISO-8601).
                insert.setArray(c + 1, SqlArrays.texts(connection, entries,
                        entry -> column.apply(entry) == null ? null : column.apply(entry).toString()));
            }
            insert.executeUpdate();
        }
    }

    public record Entry(@Nullable Long id,
                        @Nullable Instant occurredAt,
                        String actorType,
                        @Nullable String actorId,
                        @Nullable String tokenJti,
                        @Nullable String targetUserId,
                        @Nullable String fromPlan,
                        @Nullable String fromStatus,
                        @Nullable String toPlan,
                        @Nullable String toStatus,
                        @Nullable String updatedBy,
                        @Nullable String eventId,
                        @Nullable Instant sourceTimestamp,
                        String result,
                        int httpStatus,
                        @Nullable String code) {
    }
}
