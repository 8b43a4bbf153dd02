package io.plansync.payment.reconcile;

import io.plansync.contracts.Plan;
import io.plansync.contracts.UserView;
import io.plansync.payment.userplan.UserPlans;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/** When identity-service's view of a user agrees with the plan payment-service recorded. Plain functions. */
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
}
