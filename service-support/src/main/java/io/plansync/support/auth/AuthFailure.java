package io.plansync.support.auth;

import io.micronaut.http.HttpRequest;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.tokens.TokenRejected;

import java.util.Optional;

/**
 * Why a presented bearer token was refused. The authentication fetcher leaves it on the request so the 401 carries
 * the right {@code code}; {@code reason} is for metrics and logs and never names token contents. When the keys
 * could not even be fetched the answer is a retryable 503, not a 401: the token may well be good.
 */
public record AuthFailure(String code, String reason, boolean keysUnavailable) {
    private static final String ATTRIBUTE = "plansync.auth.failure";

    public static AuthFailure userToken(TokenRejected rejection) {
        return new AuthFailure(ProblemCodes.AUTH_INVALID, rejection.reason(), rejection.isKeysUnavailable());
    }

    public static AuthFailure serviceToken(TokenRejected rejection) {
        return new AuthFailure(ProblemCodes.AUTH_SERVICE_TOKEN_INVALID, rejection.reason(),
                rejection.isKeysUnavailable());
    }

    public void attachTo(HttpRequest<?> request) {
        request.setAttribute(ATTRIBUTE, this);
    }

    public static Optional<AuthFailure> of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, AuthFailure.class);
    }
}
