package io.plansync.identity.accounts;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.HeldPlan;
import io.plansync.contracts.UserView;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A user account. {@code roles} is space separated; {@code planChangedAt} is the source time of the current plan;
 * {@code planValidUntil} the end of its paid time (null: it does not expire); {@code planVersion} grows with every
 * plan change applied.
 */
public record User(UUID id,
                   String email,
                   String passwordHash,
                   String roles,
                   String plan,
                   String status,
                   @Nullable Instant planChangedAt,
                   @Nullable Instant planValidUntil,
                   long planVersion,
                   Instant createdAt,
                   Instant updatedAt) {

    public List<String> roleList() {
        return Arrays.stream(roles.trim().split("\\s+")).filter(r -> !r.isEmpty()).toList();
    }

    /** This user after a plan change ({@code updatedAt} aside). */
    public User withPlan(String newPlan, String newStatus, Instant newPlanChangedAt, @Nullable Instant validUntil) {
        return new User(id, email, passwordHash, roles, newPlan, newStatus, newPlanChangedAt, validUntil,
                planVersion + 1, createdAt, updatedAt);
    }

    /** Whether the plan's paid time has ended at {@code now}: from then on the user holds the free plan. */
    public boolean planExpiredAt(Instant now) {
        return HeldPlan.expiredAt(planValidUntil, now);
    }

    /** The plan this user holds at {@code now}. */
    public String planAt(Instant now) {
        return HeldPlan.at(plan, planValidUntil, now);
    }

    /** The user as shown at {@code now} ({@link HeldPlan}). */
    public UserView view(Instant now) {
        String held = planAt(now);
        return new UserView(id.toString(), email, held, HeldPlan.statusAt(status, planValidUntil, now),
                planValidUntil == null ? null : planValidUntil.toString(), entitlementsOf(held), updatedAt.toString());
    }

    /** The features of a plan this user holds. */
    public static List<String> entitlementsOf(String plan) {
        return HeldPlan.entitlementsOf(plan);
    }
}
