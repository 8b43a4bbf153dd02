package io.plansync.payment.subscriptions;

import io.plansync.contracts.PlanStatus;
import io.plansync.payment.ledger.SubscriptionState;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.plans.PlanPrice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What a subscription, as Stripe states it, grants: the rules without Stripe or a database. */
class SubscriptionRulesTest {
    private static final PlanCatalog CATALOG = new PlanCatalog(List.of(
            PlanPrice.oneTime("free", "Free", 0, "usd"),
            new PlanPrice("pro", "Pro", 2900, "usd", "price_pro_m", 2900L, "price_pro_y", 29000L, null),
            new PlanPrice("enterprise", "Enterprise", 9900, "usd", "price_ent_m", 9900L, null, null, 14)));
    private static final Duration GRACE = Duration.ofDays(3);
    private static final Duration LEEWAY = Duration.ofHours(1);
    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant END = Instant.parse("2027-01-01T00:00:00Z");
    private static final UUID USER = UUID.randomUUID();

    private static StripeSubscription subscription(String status, String price, boolean cancelAtPeriodEnd,
                                                   Instant cancelAt) {
        return new StripeSubscription("sub_1", "cus_1", status, price, START, END, cancelAtPeriodEnd, cancelAt,
                START, 1);
    }

    private static SubscriptionState stateOf(StripeSubscription subscription) {
        return SubscriptionRules.stateOf(subscription, USER, CATALOG, GRACE, LEEWAY);
    }

    @Test
    void an_active_subscription_grants_its_plan_until_the_period_ends_plus_the_renewal_leeway() {
        SubscriptionState state = stateOf(subscription("active", "price_pro_m", false, null));
        assertThat(state.plan()).isEqualTo("pro");
        assertThat(state.planStatus()).isEqualTo(PlanStatus.ACTIVE);
        assertThat(state.validUntil()).isEqualTo(END.plus(LEEWAY));
        assertThat(state.grantsAt(END)).isTrue();
        assertThat(state.grantsAt(END.plus(LEEWAY))).isFalse();
    }

    @Test
    void the_yearly_price_sells_the_same_plan() {
        assertThat(stateOf(subscription("active", "price_pro_y", false, null)).plan()).isEqualTo("pro");
    }

    @Test
    void a_trial_grants_the_plan_as_trialing_until_it_ends() {
        SubscriptionState state = stateOf(subscription("trialing", "price_ent_m", false, null));
        assertThat(state.plan()).isEqualTo("enterprise");
        assertThat(state.planStatus()).isEqualTo(PlanStatus.TRIALING);
        assertThat(state.validUntil()).isEqualTo(END.plus(LEEWAY));
    }

    @Test
    void cancel_at_period_end_keeps_the_plan_exactly_until_the_period_ends() {
        SubscriptionState state = stateOf(subscription("active", "price_pro_m", true, null));
        assertThat(state.cancelAtPeriodEnd()).isTrue();
        assertThat(state.validUntil()).isEqualTo(END);
    }

    @Test
    void a_cancel_at_before_the_period_end_ends_it_then() {
        Instant cancelAt = START.plus(Duration.ofDays(10));
        assertThat(stateOf(subscription("active", "price_pro_m", false, cancelAt)).validUntil()).isEqualTo(cancelAt);
    }

    @Test
    void past_due_keeps_the_plan_for_the_grace_after_the_paid_time_ended() {
        // Stripe has already moved the period on when the renewal fails: the paid time ended at its start.
        SubscriptionState state = stateOf(subscription("past_due", "price_pro_m", false, null));
        assertThat(state.plan()).isEqualTo("pro");
        assertThat(state.planStatus()).isEqualTo(PlanStatus.PAST_DUE);
        assertThat(state.validUntil()).isEqualTo(START.plus(GRACE));
    }

    @ParameterizedTest(name = "{0} grants nothing")
    @ValueSource(strings = {"canceled", "unpaid", "incomplete", "incomplete_expired", "paused", "something_new"})
    void an_ended_or_unpaid_subscription_grants_nothing(String status) {
        SubscriptionState state = stateOf(subscription(status, "price_pro_m", false, null));
        assertThat(state.validUntil()).isNull();
        assertThat(state.grantsAt(START)).isFalse();
        assertThat(state.planStatus()).isIn(PlanStatus.CANCELED, PlanStatus.INACTIVE);
    }

    @Test
    void a_price_the_catalog_does_not_sell_grants_nothing() {
        SubscriptionState state = stateOf(subscription("active", "price_someone_elses", false, null));
        assertThat(state.plan()).isNull();
        assertThat(state.validUntil()).isNull();
    }

    @Test
    void a_subscription_of_several_items_grants_nothing_since_no_one_plan_is_bought() {
        StripeSubscription two = new StripeSubscription("sub_1", "cus_1", "active", "price_pro_m", START, END, false,
                null, START, 2);
        assertThat(stateOf(two).validUntil()).isNull();
    }

    @Test
    void one_price_cannot_sell_two_plans() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PlanCatalog(List.of(
                        new PlanPrice("pro", "Pro", 2900, "usd", "price_x", 1L, null, null, null),
                        new PlanPrice("enterprise", "Ent", 9900, "usd", "price_x", 1L, null, null, null))))
                .hasMessageContaining("price_x");
    }
}
