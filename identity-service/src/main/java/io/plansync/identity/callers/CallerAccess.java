package io.plansync.identity.callers;

import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.auth.ProblemAuthorizationExceptionHandler;
import io.plansync.support.problem.ProblemException;

/** Turns a refused {@link Caller.Access} into the matching 403 problem. */
public final class CallerAccess {
    private CallerAccess() {
    }

    public static void require(Caller caller, String scope) {
        ProblemException refusal = refusal(caller.access(scope));
        if (refusal != null) {
            throw refusal;
        }
    }

    public static ProblemException refusal(Caller.Access access) {
        return switch (access) {
            case GRANTED -> null;
            case FORBIDDEN -> ProblemAuthorizationExceptionHandler.forbidden();
            case INSUFFICIENT_SCOPE -> new ProblemException(HttpStatus.FORBIDDEN, ProblemCodes.INSUFFICIENT_SCOPE,
                    "Insufficient scope", "The service token does not grant this action.");
        };
    }
}
