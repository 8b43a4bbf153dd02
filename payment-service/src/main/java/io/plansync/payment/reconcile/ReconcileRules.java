package io.plansync.payment.reconcile;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.Plan;
import io.plansync.contracts.UserView;
import io.plansync.payment.subscriptions.StripeSubscription;
import io.plansync.payment.subscriptions.SubscriptionRules;
import io.plansync.payment.subscriptions.SubscriptionViews;
import io.plansync.payment.userplan.UserPlans;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * When the three views agree: identity-service's view of a user with the plan payment-service recorded, and
 * payment-service's record of a subscription with Stripe's. Plain functions.
 */
final class ReconcileRules {
    private ReconcileRules() {
    }

    /**
     * Same plan and valid-until; the same status too, unless the plan's paid time has ended (identity-service then
     * shows free by itself, as payment-service expects it to).
     */
    static boolean agree(UserPlans.UserPlan recorded, UserView shown, Instant now) {
        boolean ended = recorded.validUntil() != null && !recorded.validUntil().isAfter(now);
        if (ended) {
            return Plan.FREE.wire().equals(shown.plan()) && recorded.validUntil().equals(instant(shown.validUntil()));
        }
        return recorded.plan().equals(shown.plan()) && recorded.status().equals(shown.status())
                && Objects.equals(recorded.validUntil(), instant(shown.validUntil()));
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Whether payment-service's record of a subscription ({@code recorded}, null if none) is behind Stripe's: its
     * status, price, period end or cancellation differ. Empty when they agree.
     */
    static Optional<Drift.Reason> subscriptionDrift(StripeSubscription stripe,
                                                    @Nullable SubscriptionViews.Recorded recorded) {
        if (recorded == null) {
            return Optional.of(Drift.Reason.SUBSCRIPTION_NOT_RECORDED);
        }
        boolean same = stripe.status().equals(recorded.stripeStatus())
                && Objects.equals(stripe.priceId(), recorded.priceId())
                && Objects.equals(stripe.currentPeriodEnd(), recorded.currentPeriodEnd())
                && SubscriptionRules.canceling(stripe) == recorded.cancelAtPeriodEnd();
        return same ? Optional.empty() : Optional.of(Drift.Reason.SUBSCRIPTION_STALE);
    }

    /** A subscription as one line, for a drift's report. */
    static String describe(StripeSubscription s) {
        return s.status() + " " + s.priceId() + " until " + s.currentPeriodEnd()
                + (SubscriptionRules.canceling(s) ? " (canceling)" : "");
    }

    static String describe(@Nullable SubscriptionViews.Recorded s) {
        return s == null ? "none" : s.stripeStatus() + " " + s.priceId() + " until " + s.currentPeriodEnd()
                + (s.cancelAtPeriodEnd() ? " (canceling)" : "");
    }

    static String describe(UserPlans.UserPlan p) {
        return p.plan() + "/" + p.status() + (p.validUntil() == null ? "" : " until " + p.validUntil());
    }

    static String describe(UserView u) {
        return u.plan() + "/" + u.status() + (u.validUntil() == null ? "" : " until " + u.validUntil());
    }
}
