package io.plansync.payment.reconcile;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/** plansync.reconcile.*: when the reconciliation runs and how far back it asks Stripe. */
@ConfigurationProperties("plansync.reconcile")
public record ReconcileProperties(boolean enabled, @NotNull String cron, @Min(1) int batchSize,
                                  @NotNull Duration stripeLookback) {
}
