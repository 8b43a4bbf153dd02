package io.plansync.identity.plan;

import io.plansync.support.input.InputLimits;
import io.plansync.support.input.JsonBody;
import java.nio.charset.StandardCharsets;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.plansync.contracts.PlanChangeRequest;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.ServiceTokens;
import io.plansync.identity.accounts.User;
import io.plansync.identity.accounts.UserRepository;
import io.plansync.identity.callers.Caller;
import io.plansync.identity.callers.CallerAccess;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a plan change does and who may make it, the same whether it comes alone ({@link ChangePlan}) or in a batch
 * ({@link ChangePlanBatch}). Validation is {@link PlanChange#parse}; the audit entry is {@link PlanChangeAttempt}.
 */
@Singleton
class PlanChangeRules {
    private final UserRepository users;
    private final JsonMapper json;
    private final Clock clock;
    private final InputLimits inputLimits;
    private final MeterRegistry metrics;

    PlanChangeRules(UserRepository users, JsonMapper json, Clock clock, InputLimits inputLimits,
                    MeterRegistry metrics) {
        this.metrics = metrics;
        this.users = users;
        this.json = json;
        this.clock = clock;
        this.inputLimits = inputLimits;
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

    /**
     * The input limits, checked here rather than in the filter so that a caller without credentials gets its 401
     * first: a body they refuse is answered 400 naming the field, and nothing of it (a NUL, say) is written.
     */
    void checkInput(@Nullable String body) {
        if (body != null) {
            JsonBody.check(body.getBytes(StandardCharsets.UTF_8), inputLimits).ifPresent(error -> {
                throw ProblemException.validation(java.util.List.of(error));
            });
        }
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

    /**
     * The latest source time a change may carry now: this clock plus the skew allowed between services. A later
     * one is refused (400), or it would make every real change after it stale until that time came.
     */
    Instant latestTimestamp() {
        return clock.instant().plusSeconds(ServiceTokens.CLOCK_SKEW_SECONDS);
    }

    /** A plan-change body validated as of now (see {@link PlanChange#parse}). */
    PlanChange.Parsed parse(@Nullable PlanChangeRequest request) {
        return PlanChange.parse(request, latestTimestamp());
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

    /** A valid change to an existing user, locked in the current transaction. */
    record Pending(UUID userId, PlanChange change) {
    }

    /** What became of a change, and the user as it stood just before it (for the audit trail). */
    record Applied(User before, Outcome outcome) {
    }

    /**
     * Applies valid changes to users locked in the current transaction as if one by one in the given order, which
     * must be by user and then by time: a change older than the user's current plan is stale, one whose event was
     * applied before is a duplicate, any other is applied. Three statements at most, whatever their number.
     *
     * @param locked the users as locked, before any of these changes
     * @return one result per change, in the given order
     */
    List<Applied> applyAll(Connection connection, Map<UUID, User> locked, List<Pending> sorted) throws SQLException {
        for (int i = 1; i < sorted.size(); i++) {
            Pending previous = sorted.get(i - 1);
            Pending next = sorted.get(i);
            int byUser = previous.userId().compareTo(next.userId());
            if (byUser > 0 || byUser == 0 && next.change().timestamp().isBefore(previous.change().timestamp())) {
                throw new IllegalArgumentException("changes must be sorted by user and time");
            }
        }
        // In this order a user's changes only move forward in time, so a change is stale against the user's plan
        // before the batch exactly when it is stale against the plan its predecessors left: the dedupe insert can
        // be done for all at once, before the walk below.
        Set<String> remembered = PlanChangeStatements.rememberNew(connection, sorted.stream()
                .filter(p -> p.change().eventId() != null && !isStale(locked.get(p.userId()), p.change()))
                .map(p -> new PlanChangeStatements.Remember(p.change().eventId(), p.userId()))
                .toList());
        Map<UUID, User> current = new HashMap<>(locked);
        Map<UUID, PlanChangeStatements.SetPlan> newest = new LinkedHashMap<>();
        List<Applied> results = new ArrayList<>(sorted.size());
        for (Pending pending : sorted) {
            User user = current.get(pending.userId());
            PlanChange change = pending.change();
            Outcome outcome = isStale(user, change) ? Outcome.STALE
                    // remove: an event id twice in the batch applies once, the first time
                    : change.eventId() == null || remembered.remove(change.eventId()) ? Outcome.APPLIED
                    : Outcome.DUPLICATE;
            results.add(new Applied(user, outcome));
            metrics.counter("plansync.plan.changes", "outcome", outcome.auditName).increment();
            if (outcome.applied()) {
                current.put(user.id(), user.withPlan(change.plan().wire(), change.status().wire(), change.timestamp(),
                        change.validUntil()));
                newest.put(user.id(), new PlanChangeStatements.SetPlan(user.id(), change.plan().wire(),
                        change.status().wire(), change.timestamp(), change.validUntil()));
            }
        }
        PlanChangeStatements.setPlans(connection, List.copyOf(newest.values()));
        return results;
    }

    private static boolean isStale(User user, PlanChange change) {
        return user.planChangedAt() != null && change.timestamp().isBefore(user.planChangedAt());
    }
}
