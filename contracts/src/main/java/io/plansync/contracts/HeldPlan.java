package io.plansync.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Which plan a user holds at a moment: the recorded plan until its {@code validUntil} (when it has one), the free plan
 * from then on, so that a plan ends without a webhook. The one rule for both services (identity's user view and
 * tokens, payment's developer API).
 */
public final class HeldPlan {
    private HeldPlan() {
    }

    /** Whether the plan's paid time has ended at {@code now}; {@code validUntil} null: it does not end. */
    public static boolean expiredAt(Instant validUntil, Instant now) {
        return validUntil != null && !now.isBefore(validUntil);
    }

    /** The plan held at {@code now}. */
    public static String at(String plan, Instant validUntil, Instant now) {
        return expiredAt(validUntil, now) ? Plan.FREE.wire() : plan;
    }

    /** The status shown at {@code now}: an expired plan's is that of the free plan, active. */
    public static String statusAt(String status, Instant validUntil, Instant now) {
        return expiredAt(validUntil, now) ? PlanStatus.ACTIVE.wire() : status;
    }

    /** The features of a held plan ({@link PlanFeatures}); none for a plan this version does not know. */
    public static List<String> entitlementsOf(String plan) {
        return Plan.fromWire(plan).map(PlanFeatures::of).orElse(List.of());
    }
}
