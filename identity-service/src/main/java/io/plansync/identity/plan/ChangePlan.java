package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.contracts.PlanChangeRequest;
import io.plansync.contracts.PlanChangeResponse;
import io.plansync.contracts.ProblemCodes;
import io.plansync.contracts.Scopes;
import io.plansync.identity.accounts.User;
import io.plansync.identity.accounts.UserIds;
import io.plansync.identity.accounts.UserRepository;
import io.plansync.identity.callers.Caller;
import io.plansync.identity.callers.CallerAccess;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;

/**
 * Sets a user's plan for an admin or a trusted service, idempotently and in source-event order: a change older
 * than the user's current plan, or with an already applied event id, changes nothing ({@code applied:false}).
 * Every attempt, accepted or refused, leaves an audit entry; an applied change and its entry commit together.
 */
@Singleton
public class ChangePlan {
    private final UserRepository users;
    private final AppliedPlanEvents appliedEvents;
    private final PlanChangeAudit audit;
    private final TransactionOperations<Connection> transactions;
    private final JsonMapper json;

    public ChangePlan(UserRepository users, AppliedPlanEvents appliedEvents, PlanChangeAudit audit,
                      TransactionOperations<Connection> transactions, JsonMapper json) {
        this.users = users;
        this.appliedEvents = appliedEvents;
        this.audit = audit;
        this.transactions = transactions;
        this.json = json;
    }

    /**
     * @param caller       the verified caller, or null when no valid credentials came with the request
     * @param unauthorized the refusal to answer when caller is null (401, or 503 if keys were unavailable)
     */
    public PlanChangeResponse attempt(@Nullable Caller caller, ProblemException unauthorized, String userId,
                                      @Nullable String body) {
        PlanChange.Parsed parsed = PlanChange.parse(read(body));
        Trail trail = new Trail(caller, userId, parsed.request(),
                parsed.change() == null ? null : parsed.change().timestamp());
        if (caller == null) {
            throw refuse(trail, unauthorized);
        }
        ProblemException forbidden = CallerAccess.refusal(caller.access(Scopes.USERS_PLAN_WRITE));
        if (forbidden != null) {
            throw refuse(trail, forbidden);
        }
        if (parsed.change() == null) {
            throw refuse(trail, ProblemException.validation(parsed.errors()));
        }
        PlanChange change = parsed.change();
        Optional<UUID> id = UserIds.parse(userId);
        if (id.isEmpty()) {
            throw refuse(trail, UserIds.notFound());
        }
        Result result = transactions.executeWrite(status -> apply(id.get(), change, trail));
        if (result == Result.NOT_FOUND) {
            throw UserIds.notFound();
        }
        return new PlanChangeResponse(true, userId, change.plan().wire(), change.status().wire(), change.updatedBy(),
                change.timestamp().toString(), result == Result.APPLIED);
    }

    private Result apply(UUID id, PlanChange change, Trail trail) {
        User user = users.findByIdForUpdate(id).orElse(null);
        if (user == null) {
            audit.save(trail.entry(null, Result.NOT_FOUND.auditName, 404, ProblemCodes.USER_NOT_FOUND));
            return Result.NOT_FOUND;
        }
        Result result;
        if (user.planChangedAt() != null && change.timestamp().isBefore(user.planChangedAt())) {
            result = Result.STALE;
        } else if (change.eventId() != null && appliedEvents.remember(change.eventId(), id) == 0) {
            result = Result.DUPLICATE;
        } else {
            users.updatePlan(id, change.plan().wire(), change.status().wire(), change.timestamp());
            result = Result.APPLIED;
        }
        audit.save(trail.entry(user, result.auditName, 200, null));
        return result;
    }

    private ProblemException refuse(Trail trail, ProblemException problem) {
        audit.save(trail.entry(null, "refused", problem.status().getCode(), problem.code()));
        return problem;
    }

    private @Nullable PlanChangeRequest read(@Nullable String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readValue(body, PlanChangeRequest.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private enum Result {
        APPLIED("applied"), STALE("stale"), DUPLICATE("duplicate"), NOT_FOUND("refused");

        final String auditName;

        Result(String auditName) {
            this.auditName = auditName;
        }
    }

    /** What the audit entry says about this attempt, whatever its outcome. */
    private record Trail(@Nullable Caller caller, String userId, @Nullable PlanChangeRequest request,
                         @Nullable java.time.Instant sourceTimestamp) {
        PlanChangeAudit.Entry entry(@Nullable User before, String result, int httpStatus, @Nullable String code) {
            String actorType = caller == null ? "anonymous" : caller.kind() == Caller.Kind.SERVICE ? "service" : "user";
            return new PlanChangeAudit.Entry(null, null, actorType,
                    caller == null ? null : caller.id(), caller == null ? null : caller.jti(),
                    truncate(userId, 100),
                    before == null ? null : before.plan(), before == null ? null : before.status(),
                    request == null ? null : truncate(request.plan(), 50),
                    request == null ? null : truncate(request.status(), 50),
                    request == null ? null : truncate(request.updatedBy(), 100),
                    request == null ? null : truncate(request.eventId(), 255),
                    sourceTimestamp,
                    result, httpStatus, code);
        }

        private static @Nullable String truncate(@Nullable String value, int max) {
            return value == null || value.length() <= max ? value : value.substring(0, max);
        }
    }
}
