package io.plansync.support.auth;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import io.plansync.support.problem.ProblemExceptionHandler;
import jakarta.inject.Singleton;

/**
 * Security refusals as problem+json: 401 with {@code WWW-Authenticate: Bearer} and the failure's code, 403, or 503
 * when the verification keys were unavailable.
 */
@Singleton
@Produces(Problem.MEDIA_TYPE)
@Replaces(DefaultAuthorizationExceptionHandler.class)
public class ProblemAuthorizationExceptionHandler implements ExceptionHandler<AuthorizationException, HttpResponse<Problem>> {

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, AuthorizationException exception) {
        return ProblemExceptionHandler.response(exception.isForbidden() ? forbidden() : unauthenticated(request));
    }

    /** 401 for missing or refused credentials; 503 when the keys to check them could not be fetched. */
    public static ProblemException unauthenticated(HttpRequest<?> request) {
        AuthFailure failure = AuthFailure.of(request).orElse(null);
        if (failure != null && failure.keysUnavailable()) {
            return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, ProblemCodes.SERVICE_UNAVAILABLE,
                    "Cannot verify credentials now", "The keys to verify the token could not be fetched; retry.",
                    java.util.List.of(), java.util.Map.of(HttpHeaders.RETRY_AFTER, "5"));
        }
        String code = failure == null ? ProblemCodes.AUTH_INVALID : failure.code();
        String header = failure == null ? "Bearer" : "Bearer error=\"invalid_token\"";
        String detail = failure == null ? "A bearer token is required." : "The bearer token is not valid.";
        return new ProblemException(HttpStatus.UNAUTHORIZED, code, "Unauthorized", detail,
                java.util.List.of(), java.util.Map.of(HttpHeaders.WWW_AUTHENTICATE, header));
    }

    public static ProblemException forbidden() {
        return new ProblemException(HttpStatus.FORBIDDEN, ProblemCodes.FORBIDDEN, "Forbidden",
                "These credentials do not allow this action.");
    }
}
