package io.plansync.payment.userplan;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.contracts.OutboxState;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanStatus;
import io.plansync.payment.outbox.Outbox;
import io.plansync.payment.subscriptions.SubscriptionViews;
import jakarta.inject.Singleton;

import java.util.UUID;

/** A user's plan as payment-service knows it, their subscription, and how far its sync to identity-service got. */
@Singleton
public class ReadUserStatus {
    private final UserPlans userPlans;
    private final Outbox outbox;
    private final SubscriptionViews subscriptions;

    public ReadUserStatus(UserPlans userPlans, Outbox outbox, SubscriptionViews subscriptions) {
        this.userPlans = userPlans;
        this.outbox = outbox;
        this.subscriptions = subscriptions;
    }

    public UserStatus of(UUID userId) {
        var plan = userPlans.findByUserId(userId).orElse(null);
        var latest = outbox.latestForUser(userId).orElse(null);
        Sync sync = latest == null ? new Sync(Sync.SYNCED, 0, null)
                : new Sync(OutboxState.DONE.wire().equals(latest.state()) ? Sync.SYNCED : latest.state(),
                latest.attempts(), latest.lastError());
        Subscription subscription = subscriptions.currentOf(userId).map(s -> new Subscription(s.subscriptionId(),
                s.plan(), s.stripeStatus(), s.currentPeriodEnd() == null ? null : s.currentPeriodEnd().toString(),
                s.cancelAtPeriodEnd())).orElse(null);
        return new UserStatus(userId.toString(),
                plan == null ? Plan.FREE.wire() : plan.plan(),
                plan == null ? PlanStatus.ACTIVE.wire() : plan.status(),
                plan == null || plan.validUntil() == null ? null : plan.validUntil().toString(), subscription, sync);
    }

    /**
     * {@code validUntil}: when the plan ends unless renewed (null: it does not); {@code subscription}: the user's
     * subscription as last read from Stripe, or null.
     */
    @Serdeable
    public record UserStatus(String userId, String plan, String status, @Nullable String validUntil,
                             @Nullable Subscription subscription, Sync sync) {
    }

    /** {@code status} is Stripe's; {@code currentPeriodEnd} when it renews or, canceling, ends. */
    @Serdeable
    public record Subscription(String id, @Nullable String plan, String status, @Nullable String currentPeriodEnd,
                               boolean cancelAtPeriodEnd) {
    }

    /** state: synced, pending, retrying or dead. */
    @Serdeable
    public record Sync(String state, int attempts, @Nullable String lastError) {
        public static final String SYNCED = "synced";

        public boolean synced() {
            return SYNCED.equals(state);
        }
    }
}
