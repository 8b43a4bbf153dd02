package io.plansync.payment.reconcile;

import io.plansync.contracts.UserView;
import io.plansync.payment.subscriptions.StripeSubscription;
import io.plansync.payment.subscriptions.SubscriptionViews;
import io.plansync.payment.userplan.UserPlans;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** When the three views agree, without a database. */
class ReconcileRulesTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final Instant END = Instant.parse("2027-01-02T12:00:00Z");
    private static final UUID USER = UUID.randomUUID();

    private static UserPlans.UserPlan recorded(String plan, String status, Instant validUntil) {
        return new UserPlans.UserPlan(USER, plan, status, null, "evt", NOW.minusSeconds(60), NOW, validUntil, null);
    }

    private static UserView shown(String plan, String status, Instant validUntil) {
        return new UserView(USER.toString(), "u@example.com", plan, status,
                validUntil == null ? null : validUntil.toString(), List.of(), NOW.toString());
    }

    @Test
    void the_same_plan_status_and_valid_until_agree_and_any_difference_does_not() {
        assertThat(ReconcileRules.agree(recorded("pro", "active", END), shown("pro", "active", END), NOW)).isTrue();
        assertThat(ReconcileRules.agree(recorded("pro", "active", END), shown("free", "active", END), NOW)).isFalse();
        assertThat(ReconcileRules.agree(recorded("pro", "past_due", END), shown("pro", "active", END), NOW))
                .isFalse();
        assertThat(ReconcileRules.agree(recorded("pro", "active", END), shown("pro", "active", null), NOW))
                .as("a renewal identity never got").isFalse();
    }

    @Test
    void a_plan_past_its_valid_until_is_expected_to_show_as_free() {
        Instant ended = NOW.minusSeconds(1);
        assertThat(ReconcileRules.agree(recorded("pro", "active", ended), shown("free", "active", ended), NOW))
                .isTrue();
        assertThat(ReconcileRules.agree(recorded("pro", "active", ended), shown("free", "active", null), NOW))
                .as("identity lost the end: resend").isFalse();
    }

    private static StripeSubscription atStripe(String status, String price, Instant end, boolean canceling) {
        return new StripeSubscription("sub_1", "cus_1", status, price, NOW, end, canceling, null, NOW, 1);
    }

    private static SubscriptionViews.Recorded here(String status, String price, Instant end, boolean canceling) {
        return new SubscriptionViews.Recorded("sub_1", USER, "cus_1", price, "pro", status, "active", NOW, end,
                canceling, end, NOW, NOW, NOW);
    }

    @Test
    void a_subscription_recorded_as_stripe_has_it_is_no_drift() {
        assertThat(ReconcileRules.subscriptionDrift(atStripe("active", "price_a", END, false),
                here("active", "price_a", END, false))).isEmpty();
    }

    @Test
    void a_subscription_never_recorded_or_behind_in_any_field_is_a_drift() {
        StripeSubscription stripe = atStripe("active", "price_a", END, false);
        assertThat(ReconcileRules.subscriptionDrift(stripe, null)).contains(Drift.Reason.SUBSCRIPTION_NOT_RECORDED);
        assertThat(ReconcileRules.subscriptionDrift(stripe, here("past_due", "price_a", END, false)))
                .contains(Drift.Reason.SUBSCRIPTION_STALE);
        assertThat(ReconcileRules.subscriptionDrift(stripe, here("active", "price_b", END, false)))
                .contains(Drift.Reason.SUBSCRIPTION_STALE);
        assertThat(ReconcileRules.subscriptionDrift(stripe, here("active", "price_a", NOW, false)))
                .contains(Drift.Reason.SUBSCRIPTION_STALE);
        assertThat(ReconcileRules.subscriptionDrift(stripe, here("active", "price_a", END, true)))
                .contains(Drift.Reason.SUBSCRIPTION_STALE);
    }
}
