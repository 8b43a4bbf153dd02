package io.plansync.payment.outbox;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.plansync.contracts.PlanChangeBatch;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * plansync.outbox.*: how the relay retries, how much it sends in one request (at most identity's batch limit) and
 * how many workers deliver at once on this replica: steady workers always, surge workers while a backlog is due.
 */
@ConfigurationProperties("plansync.outbox")
public record OutboxProperties(@NotNull Duration initialBackoff,
                               @NotNull Duration maxBackoff,
                               @Min(1) int maxAttempts,
                               @Min(1) @Max(PlanChangeBatch.MAX_CHANGES) int batchSize,
                               @Min(1) @Max(8) int relayWorkers,
                               @Min(0) @Max(8) int relaySurgeWorkers,
                               @NotNull Duration linger,
                               @NotNull Duration pollInterval,
                               boolean relayEnabled,
                               @NotNull Duration healthMaxPendingAge) {
}
