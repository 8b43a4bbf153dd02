package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.PlanChangeRequest;
import io.plansync.identity.accounts.User;
import io.plansync.identity.callers.Caller;
import io.plansync.support.problem.ProblemException;

import java.time.Instant;

/**
 * One attempt at one plan change as the audit trail records it, whatever its outcome: who tried, for which user,
 * and what they asked for (as far as it could be read).
 */
record PlanChangeAttempt(@Nullable Caller caller, @Nullable String userId, @Nullable PlanChangeRequest request,
                         @Nullable Instant sourceTimestamp) {

    static PlanChangeAttempt of(@Nullable Caller caller, @Nullable String userId, PlanChange.Parsed parsed) {
        return new PlanChangeAttempt(caller, userId, parsed.request(),
                parsed.change() == null ? null : parsed.change().timestamp());
    }

    PlanChangeAudit.Entry refused(ProblemException problem) {
        return entry(null, "refused", problem.status().getCode(), problem.code());
    }

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
