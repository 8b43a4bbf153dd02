package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;

/** The append-only trail of plan-change attempts. There is deliberately no update or delete here. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PlanChangeAudit extends GenericRepository<PlanChangeAudit.Entry, Long> {

    Entry save(Entry entry);

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
