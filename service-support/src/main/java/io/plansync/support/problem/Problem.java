package io.plansync.support.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/**
 * An RFC 9457 problem body. {@code code} is one of {@link io.plansync.contracts.ProblemCodes}; clients switch on it.
 * Never put secrets, tokens or echoed request bodies in {@code detail}. {@code errors} is always present ([] when no
 * single field is to blame). {@code resetAt}, only on a 429, is when a request is accepted again (Retry-After as an
 * instant); other problems leave it out.
 */
@Serdeable
public record Problem(String type, String title, int status, @Nullable String detail, String code,
                      List<FieldError> errors,
                      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Instant resetAt) {

    public static final String MEDIA_TYPE = "application/problem+json";

    @Serdeable
    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String code, String title, @Nullable String detail) {
        return new Problem(typeFor(code), title, status, detail, code, List.of(), null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, code, List.copyOf(fieldErrors), resetAt);
    }

    public Problem withResetAt(@Nullable Instant at) {
        return new Problem(type, title, status, detail, code, errors, at);
    }

    static String typeFor(String code) {
        return "urn:plansync:problem:" + code.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
