package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.plansync.contracts.Scopes;
import io.plansync.identity.accounts.User;
import io.plansync.identity.accounts.UserRepository;
import io.plansync.identity.callers.Caller;
import io.plansync.identity.callers.CallerAccess;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a plan change does and who may make it, the same whether it comes alone ({@link ChangePlan}) or in a batch
 * ({@link ChangePlanBatch}). Validation is {@link PlanChange#parse}; the audit entry is {@link PlanChangeAttempt}.
 */
@Singleton
class PlanChangeRules {
    private final UserRepository users;
    private final AppliedPlanEvents appliedEvents;
    private final JsonMapper json;

    PlanChangeRules(UserRepository users, AppliedPlanEvents appliedEvents, JsonMapper json) {
        this.users = users;
        this.appliedEvents = appliedEvents;
        this.json = json;
    }

    /** What became of a valid change to an existing user. */
    enum Outcome {
        APPLIED("applied"), STALE("stale"), DUPLICATE("duplicate");

        final String auditName;

        Outcome(String auditName) {
            this.auditName = auditName;
        }

        boolean applied() {
            return this == APPLIED;
        }
    }

    /**
     * @param caller       the verified caller, or null when no valid credentials came with the request
     * @param unauthorized the refusal to answer when caller is null (401, or 503 if keys were unavailable)
     * @return the refusal for this caller (401, 503 or 403), or null when it may change plans
     */
    static @Nullable ProblemException refusal(@Nullable Caller caller, ProblemException unauthorized) {
        return caller == null ? unauthorized : CallerAccess.refusal(caller.access(Scopes.USERS_PLAN_WRITE));
    }

    /** The body as a {@code type}, or null when it is missing or unreadable (the caller answers 400 for that). */
    @Nullable <T> T read(@Nullable String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readValue(body, type);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Locks the user's row until the current transaction ends, so changes to one user never interleave. */
    Optional<User> lock(UUID id) {
        return users.findByIdForUpdate(id);
    }

    /** {@link #lock} for several users in one statement and in id order; unknown ids are left out. */
    Map<UUID, User> lockAll(Collection<UUID> ids) {
        Map<UUID, User> locked = new HashMap<>();
        if (ids.isEmpty()) {
            return locked;
        }
        for (User user : users.findAllByIdForUpdate(ids)) {
            locked.put(user.id(), user);
        }
        return locked;
    }

    /**
     * Applies a valid change to a user locked in the current transaction, unless it is older than the user's
     * current plan or its event was applied before.
     */
    Outcome apply(User locked, PlanChange change) {
        if (locked.planChangedAt() != null && change.timestamp().isBefore(locked.planChangedAt())) {
            return Outcome.STALE;
        }
        // Checked after staleness: a stale event is not remembered, as it changed nothing.
        if (change.eventId() == null) {
            users.updatePlan(locked.id(), change.plan().wire(), change.status().wire(), change.timestamp());
            return Outcome.APPLIED;
        }
        int updated = appliedEvents.updatePlanIfNew(change.eventId(), locked.id(), change.plan().wire(),
                change.status().wire(), change.timestamp());
        return updated == 1 ? Outcome.APPLIED : Outcome.DUPLICATE;
    }
}
