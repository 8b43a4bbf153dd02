package io.plansync.payment.outbox;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/** plansync.outbox.*: how the relay retries and how much it takes at once. */
@ConfigurationProperties("plansync.outbox")
public record OutboxProperties(@NotNull Duration initialBackoff,
                               @NotNull Duration maxBackoff,
                               @Min(1) int maxAttempts,
                               @Min(1) int batchSize,
                               @NotNull Duration pollInterval,
                               boolean relayEnabled,
                               @NotNull Duration healthMaxPendingAge) {
}
