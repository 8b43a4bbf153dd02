package io.plansync.payment.ledger;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * plansync.webhook.group-commit.*: how many transactions accept concurrent payment events at once (each holds a
 * database connection), how many events one of them takes at most, how long a group waits for its users' locks
 * before it is split (so that one user's held lock delays only that user's events), how long a webhook waits
 * for its commit before it is answered 5xx, and how many events may wait for a transaction before further ones are
 * answered 503 (so a flood or a stalled database cannot queue without limit).
 */
@ConfigurationProperties("plansync.webhook.group-commit")
public record GroupCommitProperties(@Min(1) @Max(16) int committers,
                                    @Min(1) @Max(500) int maxEvents,
                                    @NotNull Duration lockWait,
                                    @NotNull Duration answerWithin,
                                    @Min(1) @Max(100_000) int queueCapacity) {
}
