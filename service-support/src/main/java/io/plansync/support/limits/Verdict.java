package io.plansync.support.limits;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one limit said about one request: allowed or not, and the state the client is told in
 * {@code X-RateLimit-Limit} (bucket size), {@code X-RateLimit-Remaining} (tokens left) and {@code X-RateLimit-Reset}
 * (seconds until the bucket is full again), plus {@code Retry-After} (seconds until the next token) when refused.
 */
public record Verdict(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {
    public static final String LIMIT = "X-RateLimit-Limit";
    public static final String REMAINING = "X-RateLimit-Remaining";
    public static final String RESET = "X-RateLimit-Reset";

    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(LIMIT, Long.toString(limit));
        headers.put(REMAINING, Long.toString(remaining));
        headers.put(RESET, Long.toString(resetSeconds));
        return headers;
    }

    /**
     * 429 RATE_LIMITED with Retry-After, this limit's X-RateLimit-* headers, and {@code resetAt} in the body: the
     * instant Retry-After points at.
     */
    public ProblemException refusal(String detail) {
        Map<String, String> headers = headers();
        long retryAfter = Math.max(1, retryAfterSeconds);
        headers.put(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, ProblemCodes.RATE_LIMITED, "Too many requests",
                detail, List.of(), headers, Instant.now().plusSeconds(retryAfter).truncatedTo(ChronoUnit.SECONDS));
    }

    /** Whole seconds, rounded up: a client that waits that long is not refused again for the same reason. */
    public static long seconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
