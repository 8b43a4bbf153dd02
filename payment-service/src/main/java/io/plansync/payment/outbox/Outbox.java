package io.plansync.payment.outbox;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.OutboxState;
import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.plansync.support.sql.Sql.instant;
import static io.plansync.support.sql.Sql.nullableInt;
import static io.plansync.support.sql.Sql.uuid;

/** Plan changes to deliver to identity-service. Rows move pending -> (retrying ->)* done | dead; none is deleted. */
@Singleton
public class Outbox {

    private final Sql sql;

    Outbox(Sql sql) {
        this.sql = sql;
    }

    public void enqueue(UUID userId, String plan, String status, @Nullable Instant validUntil, String eventId,
                        Instant sourceEventAt, @Nullable String correlationId) {
        sql.update("insert into outbox (user_id, plan, status, valid_until, event_id, source_event_at, correlation_id) "
                + "values (?, ?, ?, ?, ?, ?, ?)", userId, plan, status, validUntil, eventId, sourceEventAt,
                correlationId);
    }

    /**
     * Due rows, locked for the rest of the caller's transaction. Rows another relay holds are skipped, so relays on
     * several replicas share the work; if a relay dies its transaction ends and the rows are due again.
     */
    public List<Row> claimDue(int limit) {
        return sql.list("select * from outbox where state in " + OutboxState.Names.SQL_WAITING
                + " and next_attempt_at <= now() order by next_attempt_at, id limit ? for update skip locked",
                Row::read, limit);
    }

    public Optional<Instant> nextDueAt() {
        return sql.first("select min(next_attempt_at) from outbox where state in " + OutboxState.Names.SQL_WAITING,
                row -> instant(row, "min"));
    }

    public void markDone(List<Long> ids) {
        sql.update("update outbox set state = '" + OutboxState.Names.DONE + "', attempts = attempts + 1, "
                + "last_error = null, updated_at = now() where id = any(?)", (Object) ids.toArray(Long[]::new));
    }

    public void markRetrying(List<Long> ids, String error, Instant nextAttemptAt) {
        sql.update("update outbox set state = '" + OutboxState.Names.RETRYING + "', attempts = attempts + 1, "
                + "last_error = ?, next_attempt_at = ?, updated_at = now() where id = any(?)", error, nextAttemptAt,
                ids.toArray(Long[]::new));
    }

    public void markDead(List<Long> ids, String error) {
        sql.update("update outbox set state = '" + OutboxState.Names.DEAD + "', attempts = attempts + 1, "
                + "last_error = ?, updated_at = now() where id = any(?)", error, ids.toArray(Long[]::new));
    }

    public void recordAttempts(List<Long> ids, String outcome, @Nullable Integer httpStatus, @Nullable String error) {
        sql.update("insert into outbox_attempts (outbox_id, outcome, http_status, error) "
                + "select id, ?, ?, ? from outbox where id = any(?)", outcome, httpStatus, error,
                ids.toArray(Long[]::new));
    }

    public Optional<Row> latestForUser(UUID userId) {
        return sql.first("select * from outbox where user_id = ? order by id desc limit 1", Row::read, userId);
    }

    /** The user's newest rows, newest first: the history of their plan's sync. */
    public List<Row> latestOfUser(UUID userId, int limit) {
        return sql.list("select * from outbox where user_id = ? order by id desc limit ?", Row::read, userId, limit);
    }

    // --- for operators ---

    /** One page of rows in a state, oldest first, after the row id {@code afterId} (keyset pagination). */
    public List<Row> page(String state, @Nullable UUID userId, long afterId, int limit) {
        return sql.list("select * from outbox where state = ? and user_id = coalesce(?::uuid, user_id) and id > ? "
                + "order by id limit ?", Row::read, state, userId, afterId, limit);
    }

    public Optional<Row> findById(Long id) {
        return sql.first("select * from outbox where id = ?", Row::read, id);
    }

    public List<Attempt> attempts(long outboxId) {
        return sql.list("select * from outbox_attempts where outbox_id = ? order by id", Attempt::read, outboxId);
    }

    /** Due now with a fresh set of attempts; the attempt history stays. */
    public int replay(long id) {
        return sql.update("update outbox set state = '" + OutboxState.Names.PENDING + "', attempts = 0, "
                + "next_attempt_at = now(), updated_at = now() where id = ?", id);
    }

    /** Dead rows, optionally of one user and only those that died since a time: what a bulk replay takes. */
    private static final String DEAD_MATCHING = "state = '" + OutboxState.Names.DEAD + "' "
            + "and user_id = coalesce(?::uuid, user_id) and updated_at >= coalesce(?::timestamptz, '-infinity')";

    /** Replays every dead row {@link #DEAD_MATCHING}. @return the ids */
    public List<Long> replayDead(@Nullable UUID userId, @Nullable Instant since) {
        return sql.list("update outbox set state = '" + OutboxState.Names.PENDING + "', attempts = 0, "
                + "next_attempt_at = now(), updated_at = now() where " + DEAD_MATCHING + " returning id",
                row -> row.getLong(1), userId, since);
    }

    /** How many rows {@link #replayDead} would replay now (a dry run). */
    public long countDead(@Nullable UUID userId, @Nullable Instant since) {
        return sql.number("select count(*) from outbox where " + DEAD_MATCHING, userId, since);
    }

    /** Wakes every relay on every replica now (they LISTEN on this channel). */
    public long wakeRelays() {
        return sql.number("select count(*) from (select pg_notify('" + OutboxWakeups.CHANNEL + "', '')) n");
    }

    public List<StateCount> countByState() {
        return sql.list("select state, count(*) as rows from outbox group by state",
                row -> new StateCount(row.getString("state"), row.getLong("rows")));
    }

    public Optional<Instant> oldestWaiting() {
        return sql.first("select min(created_at) from outbox where state in " + OutboxState.Names.SQL_WAITING,
                row -> instant(row, "min"));
    }

    public record StateCount(String state, long rows) {
    }

    public record Attempt(Long id, Long outboxId, Instant attemptedAt, String outcome, @Nullable Integer httpStatus,
                          @Nullable String error) {
        static Attempt read(ResultSet row) throws SQLException {
            return new Attempt(row.getLong("id"), row.getLong("outbox_id"), instant(row, "attempted_at"),
                    row.getString("outcome"), nullableInt(row, "http_status"), row.getString("error"));
        }
    }

    public record Row(Long id, UUID userId, String plan, String status, String eventId, Instant sourceEventAt,
                      String state, int attempts, @Nullable String lastError, Instant nextAttemptAt,
                      Instant createdAt, Instant updatedAt, @Nullable String correlationId,
                      @Nullable Instant validUntil) {
        static Row read(ResultSet row) throws SQLException {
            return new Row(row.getLong("id"), uuid(row, "user_id"), row.getString("plan"), row.getString("status"),
                    row.getString("event_id"), instant(row, "source_event_at"), row.getString("state"),
                    row.getInt("attempts"), row.getString("last_error"), instant(row, "next_attempt_at"),
                    instant(row, "created_at"), instant(row, "updated_at"), row.getString("correlation_id"),
                    instant(row, "valid_until"));
        }
    }
}
