package io.plansync.payment.subscriptions;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.PlanStatus;
import io.plansync.payment.ledger.SubscriptionState;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.plans.PlanPrice;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * What a subscription, as Stripe states it now, grants its user. Plain functions.
 *
 * <ul>
 *   <li>{@code active} or {@code trialing}: the plan of its price, until the period ends plus the renewal leeway
 *       (the renewal's webhook moves it on); when it is set to cancel, until the period ends (or {@code cancel_at}),
 *       with no leeway;</li>
 *   <li>{@code past_due} (a renewal failed, Stripe retries): the plan, for the grace after the paid time ended,
 *       which is when the unpaid period started;</li>
 *   <li>anything else ({@code canceled}, {@code unpaid}, {@code incomplete}, {@code incomplete_expired},
 *       {@code paused}) grants nothing; nor does a price the catalog does not sell.</li>
 * </ul>
 */
public final class SubscriptionRules {
    /** Stripe's statuses in which a subscription is paid for, or on trial. */
    static final Set<String> IN_FORCE = Set.of("active", "trialing");
    static final String PAST_DUE = "past_due";
    /** Statuses that end a subscription for good; the others that grant nothing may still become active. */
    static final Set<String> ENDED = Set.of("canceled", "unpaid", "incomplete_expired");

    private SubscriptionRules() {
    }

    public static SubscriptionState stateOf(StripeSubscription subscription, UUID userId, PlanCatalog catalog,
                                            Duration pastDueGrace, Duration renewalLeeway) {
        String plan = subscription.priceId() == null ? null
                : catalog.byPriceId(subscription.priceId()).map(PlanPrice.Recurring::plan).orElse(null);
        PlanStatus planStatus = planStatus(subscription.status());
        Instant validUntil = plan == null || subscription.items() != 1 ? null
                : validUntil(subscription, pastDueGrace, renewalLeeway);
        return new SubscriptionState(subscription.id(), userId, subscription.customerId(), subscription.priceId(),
                plan, subscription.status(), planStatus, subscription.currentPeriodStart(),
                subscription.currentPeriodEnd(), canceling(subscription), validUntil, subscription.created());
    }

    /** Whether the subscription is set to end (at its period end, or at cancel_at). */
    public static boolean canceling(StripeSubscription subscription) {
        return subscription.cancelAtPeriodEnd() || subscription.cancelAt() != null;
    }

    static PlanStatus planStatus(String stripeStatus) {
        return switch (stripeStatus) {
            case "active" -> PlanStatus.ACTIVE;
            case "trialing" -> PlanStatus.TRIALING;
            case PAST_DUE -> PlanStatus.PAST_DUE;
            default -> ENDED.contains(stripeStatus) ? PlanStatus.CANCELED : PlanStatus.INACTIVE;
        };
    }

    private static @Nullable Instant validUntil(StripeSubscription subscription, Duration pastDueGrace,
                                                Duration renewalLeeway) {
        Instant end = subscription.currentPeriodEnd();
        if (IN_FORCE.contains(subscription.status()) && end != null) {
            if (!canceling(subscription)) {
                return end.plus(renewalLeeway);
            }
            Instant cancelAt = subscription.cancelAt();
            return cancelAt != null && cancelAt.isBefore(end) ? cancelAt : end;
        }
        if (PAST_DUE.equals(subscription.status()) && subscription.currentPeriodStart() != null) {
            return subscription.currentPeriodStart().plus(pastDueGrace);
        }
        return null;
    }
}
