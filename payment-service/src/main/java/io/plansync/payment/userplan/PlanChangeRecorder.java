package io.plansync.payment.userplan;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanStatus;
import io.plansync.payment.outbox.Outbox;
import io.plansync.support.correlation.CorrelationId;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.UUID;

/**
 * Records a plan change in the caller's transaction: the user's plan and an outbox row for identity-service commit
 * together or not at all. A change older than the user's current plan changes nothing and sends nothing.
 */
@Singleton
public class PlanChangeRecorder {
    private final UserPlans userPlans;
    private final Outbox outbox;

    public PlanChangeRecorder(UserPlans userPlans, Outbox outbox) {
        this.userPlans = userPlans;
        this.outbox = outbox;
    }

    /** @return whether the change was newer than the stored plan, and so recorded and queued for identity */
    public boolean record(UUID userId, Plan plan, PlanStatus status, @Nullable String paymentIntentId, String eventId,
                          Instant eventAt) {
        if (userPlans.setIfNotOlder(userId, plan.wire(), status.wire(), paymentIntentId, eventId, eventAt) == 0) {
            return false;
        }
        outbox.enqueue(userId, plan.wire(), status.wire(), eventId, eventAt, CorrelationId.current().orElse(null));
        return true;
    }
}
