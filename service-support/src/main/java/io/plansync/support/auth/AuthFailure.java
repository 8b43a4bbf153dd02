package io.plansync.support.auth;

import io.micronaut.http.HttpRequest;
import io.plansync.contracts.ProblemCodes;

import java.util.Optional;

/**
 * Why a presented bearer token was refused. The authentication fetcher leaves it on the request so the 401 carries
 * the right {@code code}; {@code reason} is for metrics and logs and never names token contents.
 */
public record AuthFailure(String code, String reason) {
    private static final String ATTRIBUTE = "plansync.auth.failure";

    public static AuthFailure userToken(String reason) {
        return new AuthFailure(ProblemCodes.AUTH_INVALID, reason);
    }

    public static AuthFailure serviceToken(String reason) {
        return new AuthFailure(ProblemCodes.AUTH_SERVICE_TOKEN_INVALID, reason);
    }

    public void attachTo(HttpRequest<?> request) {
        request.setAttribute(ATTRIBUTE, this);
    }

    public static Optional<AuthFailure> of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, AuthFailure.class);
    }
}
