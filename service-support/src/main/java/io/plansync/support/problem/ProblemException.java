package io.plansync.support.problem;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Thrown by use cases to refuse a request with a specific problem. It carries no stack trace: it is an expected
 * outcome, not a bug.
 */
public class ProblemException extends RuntimeException {
    private final HttpStatus status;
    private final String code;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final Map<String, String> headers;
    private final @Nullable Instant resetAt;

    public ProblemException(HttpStatus status, String code, String title, @Nullable String detail,
                            List<Problem.FieldError> errors, Map<String, String> headers) {
        this(status, code, title, detail, errors, headers, null);
    }

    /** @param resetAt for a 429: when a request is accepted again */
    public ProblemException(HttpStatus status, String code, String title, @Nullable String detail,
                            List<Problem.FieldError> errors, Map<String, String> headers,
                            @Nullable Instant resetAt) {
        super(detail, null, false, false);
        this.resetAt = resetAt;
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public ProblemException(HttpStatus status, String code, String title, @Nullable String detail) {
        this(status, code, title, detail, List.of(), Map.of());
    }

    /** 503 {@code SERVICE_UNAVAILABLE} with {@code Retry-After: 5}: a dependency (the database, a service) is away. */
    public static ProblemException unavailable(String detail) {
        return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
                io.plansync.contracts.ProblemCodes.SERVICE_UNAVAILABLE,
                "Unavailable", detail, List.of(), Map.of("Retry-After", "5"));
    }

    public static ProblemException validation(List<Problem.FieldError> errors) {
        return new ProblemException(HttpStatus.BAD_REQUEST, io.plansync.contracts.ProblemCodes.VALIDATION_FAILED,
                "Invalid request", "The request is invalid; see errors.", errors, Map.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Problem toProblem() {
        return Problem.of(status.getCode(), code, title, getMessage()).withErrors(errors).withResetAt(resetAt);
    }
}
