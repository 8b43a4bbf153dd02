package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import io.plansync.support.sql.SqlArrays;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** The append-only trail of plan-change attempts. There is deliberately no update or delete here. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PlanChangeAudit extends GenericRepository<PlanChangeAudit.Entry, Long> {

    Entry save(Entry entry);

    /**
     * Inserts the entries in one statement on the caller's transaction (arrays, one per column), whatever their
     * number. Not {@code saveAll}: that asks for the generated ids and runs one statement per row.
     * {@code occurred_at} takes the column default (the transaction's start); ids follow the entries' order.
     */
    static void insertAll(Connection connection, List<Entry> entries) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into plan_change_audit (actor_type, "
                + "actor_id, token_jti, target_user_id, from_plan, from_status, to_plan, to_status, updated_by, "
                + "event_id, source_timestamp, result, http_status, code) "
                + "select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
                + "?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::int[], ?::text[])")) {
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

    List<Entry> findByTargetUserIdOrderByIdAsc(String targetUserId);

    @MappedEntity("plan_change_audit")
    record Entry(@Id @GeneratedValue @Nullable Long id,
                 @DateCreated @Nullable Instant occurredAt,
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
