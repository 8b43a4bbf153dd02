package io.plansync.payment.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** What operators see of the outbox. */
public final class OutboxViews {
    private OutboxViews() {
    }

    @Serdeable
    public record Item(long id, String userId, String plan, String status, String state, int attempts,
                       @Nullable String lastError, String nextAttemptAt, String eventId, String createdAt,
                       String updatedAt) {
        static Item of(Outbox.Row row) {
            return new Item(row.id(), row.userId().toString(), row.plan(), row.status(), row.state(), row.attempts(),
                    row.lastError(), row.nextAttemptAt().toString(), row.eventId(), row.createdAt().toString(),
                    row.updatedAt().toString());
        }
    }

    @Serdeable
    public record Page(List<Item> items, @Nullable String nextCursor) {
    }

    @Serdeable
    public record Attempt(String attemptedAt, String outcome, @Nullable Integer httpStatus, @Nullable String error) {
        static Attempt of(Outbox.Attempt attempt) {
            return new Attempt(attempt.attemptedAt().toString(), attempt.outcome(), attempt.httpStatus(),
                    attempt.error());
        }
    }

    @Serdeable
    public record Detail(long id, String userId, String plan, String status, String state, int attempts,
                         @Nullable String lastError, String nextAttemptAt, String eventId, String createdAt,
                         String updatedAt, @Nullable String correlationId, List<Attempt> history) {
        static Detail of(Outbox.Row row, List<Outbox.Attempt> attempts) {
            return new Detail(row.id(), row.userId().toString(), row.plan(), row.status(), row.state(),
                    row.attempts(), row.lastError(), row.nextAttemptAt().toString(), row.eventId(),
                    row.createdAt().toString(), row.updatedAt().toString(), row.correlationId(),
                    attempts.stream().map(Attempt::of).toList());
        }
    }

    @Serdeable
    public record Replayed(long id, String state) {
    }

    @Serdeable
    public record ReplayAllRequest(@Nullable String state, @Nullable String userId, @Nullable String since) {
    }

    @Serdeable
    public record ReplayedCount(int replayed) {
    }
}
