package io.plansync.support.problem;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.plansync.contracts.ProblemCodes;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Turns every error the framework produces itself (unreadable JSON, unknown route, wrong method, body too large,
 * unexpected exceptions) into application/problem+json with a {@code code}. Framework messages can quote the
 * request, so only generic details and field paths are shown.
 */
@Singleton
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext errorContext, MutableHttpResponse<?> baseResponse) {
        HttpStatus status = baseResponse.getStatus();
        Problem problem = switch (status) {
            case BAD_REQUEST -> Problem.of(400, ProblemCodes.VALIDATION_FAILED, "Invalid request",
                    "The request could not be read or is invalid.").withErrors(fieldErrors(errorContext));
            case UNAUTHORIZED -> Problem.of(401, ProblemCodes.AUTH_INVALID, "Unauthorized",
                    "Valid credentials are required.");
            case FORBIDDEN -> Problem.of(403, ProblemCodes.FORBIDDEN, "Forbidden", "Not allowed.");
            case NOT_FOUND -> Problem.of(404, ProblemCodes.NOT_FOUND, "Not found", "No such resource.");
            case METHOD_NOT_ALLOWED -> Problem.of(405, ProblemCodes.METHOD_NOT_ALLOWED, "Method not allowed", null);
            case NOT_ACCEPTABLE -> Problem.of(406, ProblemCodes.NOT_ACCEPTABLE, "Not acceptable", null);
            case UNSUPPORTED_MEDIA_TYPE -> Problem.of(415, ProblemCodes.UNSUPPORTED_MEDIA_TYPE,
                    "Unsupported media type", "Send application/json.");
            case REQUEST_ENTITY_TOO_LARGE -> Problem.of(413, ProblemCodes.PAYLOAD_TOO_LARGE, "Payload too large",
                    "The request body is too large.");
            default -> status.getCode() >= 500
                    ? Problem.of(status.getCode(), ProblemCodes.INTERNAL_ERROR, "Internal error",
                    "The request failed; it has been logged.")
                    : Problem.of(status.getCode(), ProblemCodes.VALIDATION_FAILED, status.getReason(), null);
        };
        return baseResponse.contentType(Problem.MEDIA_TYPE).body(problem);
    }

    private static List<Problem.FieldError> fieldErrors(ErrorContext context) {
        return context.getErrors().stream()
                .filter(e -> e.getPath().isPresent())
                .map(e -> new Problem.FieldError(e.getPath().get(), "is invalid"))
                .toList();
    }
}
