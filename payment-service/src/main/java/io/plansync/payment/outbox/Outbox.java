package io.plansync.payment.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Plan changes to deliver to identity-service. Rows move pending -> (retrying ->)* done | dead; none is deleted. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface Outbox extends GenericRepository<Outbox.Row, Long> {

    @Query("insert into outbox (user_id, plan, status, event_id, source_event_at) "
            + "values (:userId, :plan, :status, :eventId, :sourceEventAt)")
    void enqueue(UUID userId, String plan, String status, String eventId, Instant sourceEventAt);

    /**
     * Due rows, locked for the rest of the caller's transaction. Rows another relay holds are skipped, so relays on
     * several replicas share the work; if a relay dies its transaction ends and the rows are due again.
     */
    @Query("select * from outbox where state in ('pending', 'retrying') and next_attempt_at <= now() "
            + "order by next_attempt_at, id limit :limit for update skip locked")
    List<Row> claimDue(int limit);

    @Query("select min(next_attempt_at) from outbox where state in ('pending', 'retrying')")
    Optional<Instant> nextDueAt();

    @Query("update outbox set state = 'done', attempts = attempts + 1, last_error = null, updated_at = now() "
            + "where id = :id")
    void markDone(long id);

    @Query("update outbox set state = 'retrying', attempts = attempts + 1, last_error = :error, "
            + "next_attempt_at = :nextAttemptAt, updated_at = now() where id = :id")
    void markRetrying(long id, String error, Instant nextAttemptAt);

    @Query("update outbox set state = 'dead', attempts = attempts + 1, last_error = :error, updated_at = now() "
            + "where id = :id")
    void markDead(long id, String error);

    @Query("insert into outbox_attempts (outbox_id, outcome, http_status, error) "
            + "values (:outboxId, :outcome, :httpStatus, :error)")
    void recordAttempt(long outboxId, String outcome, @Nullable Integer httpStatus, @Nullable String error);

    @Query("select * from outbox where user_id = :userId order by id desc limit 1")
    Optional<Row> latestForUser(UUID userId);

    @MappedEntity("outbox")
    record Row(@Id Long id, UUID userId, String plan, String status, String eventId, Instant sourceEventAt,
               String state, int attempts, @Nullable String lastError, Instant nextAttemptAt,
               Instant createdAt, Instant updatedAt) {
    }
}
