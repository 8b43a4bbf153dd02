package io.plansync.payment.ledger;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.PlanStatus;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A subscription as the ledger records it: Stripe's state of it when it was last read, and what it grants.
 *
 * @param plan       the catalog's plan for its price; null for a price the catalog does not sell
 * @param planStatus what the user's plan shows while this subscription decides it
 * @param validUntil the end of paid time plus any grace; null when it grants nothing
 */
public record SubscriptionState(String subscriptionId, UUID userId, String customerId, @Nullable String priceId,
                                @Nullable String plan, String stripeStatus, PlanStatus planStatus,
                                @Nullable Instant currentPeriodStart, @Nullable Instant currentPeriodEnd,
                                boolean cancelAtPeriodEnd, @Nullable Instant validUntil,
                                @Nullable Instant stripeCreatedAt) {
    public SubscriptionState {
        Objects.requireNonNull(subscriptionId);
        Objects.requireNonNull(userId);
        Objects.requireNonNull(customerId);
        Objects.requireNonNull(stripeStatus);
        Objects.requireNonNull(planStatus);
        if (validUntil != null && plan == null) {
            throw new IllegalArgumentException("only a subscription to a catalog plan grants one");
        }
    }

    /** Whether it grants its plan at {@code now}. */
    public boolean grantsAt(Instant now) {
        return validUntil != null && validUntil.isAfter(now);
    }
}
