package io.plansync.payment.apikeys;

import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;

import java.util.List;

/**
 * Who calls the developer API: the key the request was authenticated with, resolved by {@link ApiKeyFilter}. The
 * handlers' only source of caller identity: headers a client sends to claim one are removed before them.
 */
public record ApiCaller(String keyId, String name, String mode, List<String> scopes, int requestsPerMinute) {
    /** The request attribute it is kept in. */
    public static final String ATTRIBUTE = "plansync.apiCaller";

    /** 403 {@code INSUFFICIENT_SCOPE} unless the key has the scope. */
    public void require(ApiScope scope) {
        if (!scopes.contains(scope.wire())) {
            throw new ProblemException(HttpStatus.FORBIDDEN, ProblemCodes.INSUFFICIENT_SCOPE, "Insufficient scope",
                    "This API key lacks the scope " + scope.wire() + ".");
        }
    }
}
