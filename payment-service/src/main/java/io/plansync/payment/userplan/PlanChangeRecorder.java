package io.plansync.payment.userplan;

import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanStatus;
import io.plansync.payment.checkout.Payments;
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
    private final Payments payments;

    public PlanChangeRecorder(UserPlans userPlans, Payments payments) {
        this.userPlans = userPlans;
        this.payments = payments;
    }

    /** @return whether the user's plan changed (and so was queued for identity-service) */
    public boolean paymentsChanged(UUID userId, String eventId, Instant eventAt) {
        userPlans.lockUser(userId.toString());
        var current = userPlans.findByUserId(userId).orElse(null);
        var standing = payments.newestStanding(userId).orElse(null);
        String plan = standing == null ? Plan.FREE.wire() : standing.plan();
        if (current != null && current.plan().equals(plan)) {
            return false;
        }
        Instant at = eventAt.truncatedTo(ChronoUnit.MICROS);
        if (current != null && !at.isAfter(current.sourceEventAt())) {
            at = current.sourceEventAt().plus(1, ChronoUnit.MICROS);
        }
        String status = PlanStatus.ACTIVE.wire();
        userPlans.setAndEnqueue(userId, plan, status, standing == null ? null : standing.paymentIntentId(), eventId, at,
                CorrelationId.current().orElse(null));
        return true;
    }
}
