package io.plansync.payment.subscriptions;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * plansync.subscriptions.*: how long a subscription's plan lasts past its period, where Stripe's hosted pages send
 * the buyer back to, and the worker that reads changed subscriptions from Stripe.
 *
 * @param pastDueGrace  how long a past_due subscription keeps its plan after its paid period ended
 * @param renewalLeeway how long an active subscription keeps its plan past its period end, for the renewal's
 *                      webhook to arrive
 */
@ConfigurationProperties("plansync.subscriptions")
public record SubscriptionProperties(@NotNull Duration pastDueGrace, @NotNull Duration renewalLeeway,
                                     @NotBlank String successUrl, @NotBlank String cancelUrl,
                                     @NotBlank String portalReturnUrl, @Min(0) int refreshWorkers,
                                     @NotNull Duration refreshPollInterval, @NotNull Duration refreshInitialBackoff,
                                     @NotNull Duration refreshMaxBackoff) {
}
