package io.plansync.support.problem;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.web.router.exceptions.UnsatisfiedBodyRouteException;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.json.WrongJsonType;
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
            case BAD_REQUEST -> badRequest(errorContext);
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

    /**
     * A request the framework could not bind. The field named is one the client sent (a JSON field, a query
     * parameter), never the name of a Java argument such as the body's.
     */
    private static Problem badRequest(ErrorContext context) {
        Throwable root = context.getRootCause().orElse(null);
        WrongJsonType wrong = causeOf(root, WrongJsonType.class);
        if (wrong != null) {
            return Problem.of(400, ProblemCodes.VALIDATION_FAILED, "Invalid request",
                    "A field has the wrong JSON type; see errors.")
                    .withErrors(List.of(new Problem.FieldError(wrong.field(), "must be " + wrong.expected())));
        }
        ConversionErrorException conversion = causeOf(root, ConversionErrorException.class);
        if (conversion != null && conversion.getArgument().getAnnotationMetadata().hasAnnotation(Body.class)) {
            return Problem.of(400, ProblemCodes.VALIDATION_FAILED, "Invalid request",
                    "The body is not valid JSON of the expected shape.");
        }
        if (root instanceof UnsatisfiedBodyRouteException) {
            return Problem.of(400, ProblemCodes.VALIDATION_FAILED, "Invalid request", "A JSON body is required.");
        }
        List<Problem.FieldError> errors = context.getErrors().stream()
                .filter(e -> e.getPath().isPresent())
                .map(e -> new Problem.FieldError(e.getPath().get().replaceFirst("^/", ""), "is invalid"))
                .toList();
        return Problem.of(400, ProblemCodes.VALIDATION_FAILED, "Invalid request",
                "The request could not be read or is invalid.").withErrors(errors);
    }

    private static <T extends Throwable> @Nullable T causeOf(@Nullable Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
