package io.plansync.payment.userplan;

import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanStatus;
import io.plansync.payment.outbox.OutboxNotifier;
import io.plansync.support.correlation.CorrelationId;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * After a user's payments changed, works out the plan they have paid for and, if it changed, records it and
 * queues it for identity-service, in the caller's transaction (so both commit with the event, or neither does).
 *
 * <p>The plan is that of the newest succeeded payment not refunded (free if none), whatever order Stripe's events
 * arrive in. The time sent with it is the event's, but always later than the user's previous change, so
 * identity-service (which keeps the newest) ends with this plan even if earlier syncs are delivered after it.
 */
@Singleton
public class PlanChangeRecorder {
    private final UserPlans userPlans;
    private final OutboxNotifier notifier;

    public PlanChangeRecorder(UserPlans userPlans, OutboxNotifier notifier) {
        this.userPlans = userPlans;
        this.notifier = notifier;
    }

    /** Takes the user's plan lock until the transaction ends; {@link #paymentsChanged} needs it held. */
    public void lock(UUID userId) {
        userPlans.lockUser(userId.toString());
    }

    /**
     * Call with the user's plan lock held ({@link #lock}, or a statement that took it), after the payment change.
     * @return whether the user's plan changed (and so was queued for identity-service)
     */
    public boolean paymentsChanged(UUID userId, String eventId, Instant eventAt) {
        UserPlans.PlanState state = userPlans.planState(userId);
        String plan = state.standingPlan() == null ? Plan.FREE.wire() : state.standingPlan();
        if (state.currentPlan() != null && state.currentPlan().equals(plan)) {
            return false;
        }
        Instant at = eventAt.truncatedTo(ChronoUnit.MICROS);
        if (state.currentEventAt() != null && !at.isAfter(state.currentEventAt())) {
            at = state.currentEventAt().plus(1, ChronoUnit.MICROS);
        }
        userPlans.setAndEnqueue(userId, plan, PlanStatus.ACTIVE.wire(), state.standingPaymentIntentId(), eventId, at,
                CorrelationId.current().orElse(null));
        notifier.rowsQueued();
        return true;
    }
}
