package io.plansync.payment.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.plansync.contracts.OutboxState;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Plan changes to deliver to identity-service. Rows move pending -> (retrying ->)* done | dead; none is deleted. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface Outbox extends GenericRepository<Outbox.Row, Long> {

    @Query("insert into outbox (user_id, plan, status, valid_until, event_id, source_event_at, correlation_id) "
            + "values (:userId, :plan, :status, :validUntil, :eventId, :sourceEventAt, :correlationId)")
    void enqueue(UUID userId, String plan, String status, @Nullable Instant validUntil, String eventId,
                 Instant sourceEventAt, @Nullable String correlationId);

    /**
     * Due rows, locked for the rest of the caller's transaction. Rows another relay holds are skipped, so relays on
     * several replicas share the work; if a relay dies its transaction ends and the rows are due again.
     */
    @Query("select * from outbox where state in " + OutboxState.Names.SQL_WAITING + " and next_attempt_at <= now() "
            + "order by next_attempt_at, id limit :limit for update skip locked")
    List<Row> claimDue(int limit);

    @Query("select min(next_attempt_at) from outbox where state in " + OutboxState.Names.SQL_WAITING)
    Optional<Instant> nextDueAt();

    @Query("update outbox set state = '" + OutboxState.Names.DONE + "', attempts = attempts + 1, last_error = null, "
            + "updated_at = now() where id in (:ids)")
    void markDone(List<Long> ids);

    @Query("update outbox set state = '" + OutboxState.Names.RETRYING + "', attempts = attempts + 1, "
            + "last_error = :error, next_attempt_at = :nextAttemptAt, updated_at = now() where id in (:ids)")
    void markRetrying(List<Long> ids, String error, Instant nextAttemptAt);

    @Query("update outbox set state = '" + OutboxState.Names.DEAD + "', attempts = attempts + 1, "
            + "last_error = :error, updated_at = now() where id in (:ids)")
    void markDead(List<Long> ids, String error);

    @Query("insert into outbox_attempts (outbox_id, outcome, http_status, error) "
            + "select id, :outcome, :httpStatus, :error from outbox where id in (:ids)")
    void recordAttempts(List<Long> ids, String outcome, @Nullable Integer httpStatus, @Nullable String error);

    @Query("select * from outbox where user_id = :userId order by id desc limit 1")
    Optional<Row> latestForUser(UUID userId);

    /** The user's newest rows, newest first: the history of their plan's sync. */
    @Query("select * from outbox where user_id = :userId order by id desc limit :limit")
    List<Row> latestOfUser(UUID userId, int limit);

    // --- for operators ---

    /** One page of rows in a state, oldest first, after the row id {@code afterId} (keyset pagination). */
    @Query("select * from outbox where state = :state and user_id = coalesce(:userId, user_id) and id > :afterId "
            + "order by id limit :limit")
    List<Row> page(String state, @Nullable UUID userId, long afterId, int limit);

    Optional<Row> findById(Long id);

    @Query("select * from outbox_attempts where outbox_id = :outboxId order by id")
    List<Attempt> attempts(long outboxId);

    /** Due now with a fresh set of attempts; the attempt history stays. */
    @Query("update outbox set state = '" + OutboxState.Names.PENDING + "', attempts = 0, next_attempt_at = now(), "
            + "updated_at = now() where id = :id")
    int replay(long id);

    /** Dead rows, optionally of one user and only those that died since a time: what a bulk replay takes. */
    String DEAD_MATCHING = "state = '" + OutboxState.Names.DEAD + "' and user_id = coalesce(:userId, user_id) "
            + "and updated_at >= coalesce(:since, '-infinity'::timestamptz)";

    /** Replays every dead row {@link #DEAD_MATCHING}. @return the ids */
    @Query("update outbox set state = '" + OutboxState.Names.PENDING + "', attempts = 0, next_attempt_at = now(), "
            + "updated_at = now() where " + DEAD_MATCHING + " returning id")
    List<Long> replayDead(@Nullable UUID userId, @Nullable Instant since);

    /** How many rows {@link #replayDead} would replay now (a dry run). */
    @Query("select count(*) from outbox where " + DEAD_MATCHING)
    long countDead(@Nullable UUID userId, @Nullable Instant since);

    /** Wakes every relay on every replica now (they LISTEN on this channel). */
    @Query("select count(*) from (select pg_notify('" + OutboxWakeups.CHANNEL + "', '')) n")
    long wakeRelays();

    @Query("select state, count(*) as rows from outbox group by state")
    List<StateCount> countByState();

    @Query("select min(created_at) from outbox where state in " + OutboxState.Names.SQL_WAITING)
    Optional<Instant> oldestWaiting();

    @io.micronaut.core.annotation.Introspected
    record StateCount(String state, long rows) {
    }

    @MappedEntity("outbox_attempts")
    record Attempt(@Id Long id, Long outboxId, Instant attemptedAt, String outcome, @Nullable Integer httpStatus,
                   @Nullable String error) {
    }

    @MappedEntity("outbox")
    record Row(@Id Long id, UUID userId, String plan, String status, String eventId, Instant sourceEventAt,
               String state, int attempts, @Nullable String lastError, Instant nextAttemptAt,
               Instant createdAt, Instant updatedAt, @Nullable String correlationId, @Nullable Instant validUntil) {
    }
}
