package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
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
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** The append-only trail of plan-change attempts. There is deliberately no update or delete here. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PlanChangeAudit extends GenericRepository<PlanChangeAudit.Entry, Long> {

    Entry save(Entry entry);

    /**
     * Inserts the entries as one JDBC batch on the caller's transaction. Not {@code saveAll}: that asks for the
     * generated ids, and pgjdbc then runs the batch one statement and round trip at a time. {@code occurred_at}
     * takes the column default (the transaction's start).
     */
    static void insertAll(Connection connection, List<Entry> entries) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into plan_change_audit (actor_type, "
                + "actor_id, token_jti, target_user_id, from_plan, from_status, to_plan, to_status, updated_by, "
                + "event_id, source_timestamp, result, http_status, code) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Entry entry : entries) {
                insert.setString(1, entry.actorType());
                insert.setString(2, entry.actorId());
                insert.setString(3, entry.tokenJti());
                insert.setString(4, entry.targetUserId());
                insert.setString(5, entry.fromPlan());
                insert.setString(6, entry.fromStatus());
                insert.setString(7, entry.toPlan());
                insert.setString(8, entry.toStatus());
                insert.setString(9, entry.updatedBy());
                insert.setString(10, entry.eventId());
                insert.setObject(11, entry.sourceTimestamp() == null ? null
                        : entry.sourceTimestamp().atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
                insert.setString(12, entry.result());
                insert.setInt(13, entry.httpStatus());
                insert.setString(14, entry.code());
                insert.addBatch();
            }
            insert.executeBatch();
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
