package io.plansync.payment.reconcile;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.plansync.contracts.UserLookup;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * plansync.reconcile.*: when the reconciliation runs, how far back it asks Stripe for events, how fast it reads
 * Stripe, and how many users it compares with identity-service per request.
 */
@ConfigurationProperties("plansync.reconcile")
public record ReconcileProperties(boolean enabled, @NotNull String cron, @Min(1) @Max(UserLookup.MAX_IDS) int batchSize,
                                  @NotNull Duration stripeLookback, @Min(1) int stripeRequestsPerSecond) {
}
