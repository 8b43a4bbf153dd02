package io.plansync.support.limits;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.filter.ServerFilterPhase;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;
import io.plansync.support.problem.ProblemExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a rate-limiting server filter does with a {@link Verdict}, in one place for both services: refuse with 429
 * (or 503 when the limit cannot be read), and put the limit's X-RateLimit-* headers on the answer.
 */
public final class RateLimitedRequests {
    /**
     * Where such a filter runs: after the input filters, which buffer the body on the event loop (its database work
     * moves the request to another thread, where reading a body still arriving trips Micronaut), and before security.
     */
    public static final int FILTER_ORDER = ServerFilterPhase.SECURITY.before() + 2;
    private static final String VERDICT = "plansync.rateLimit.verdict";
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitedRequests.class);

    private RateLimitedRequests() {
    }

    /**
     * Takes a token for the request: null when it may go on, else the answer (429 with Retry-After, or 503 when the
     * limit's database cannot be read, which clients retry). The verdict is kept for {@link #addHeaders}.
     */
    public static @Nullable HttpResponse<?> admit(HttpRequest<?> request, Supplier<Verdict> take, String refusal) {
        Verdict verdict;
        try {
            verdict = take.get();
        } catch (RuntimeException e) {
            LOG.warn("Rate limit unavailable for {} {}: {}", request.getMethodName(), request.getPath(),
                    e.getClass().getSimpleName());
            return ProblemExceptionHandler.response(new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
                    ProblemCodes.SERVICE_UNAVAILABLE, "Service unavailable", "Try again shortly.", List.of(),
                    Map.of(HttpHeaders.RETRY_AFTER, "5")));
        }
        request.setAttribute(VERDICT, verdict);
        return verdict.allowed() ? null : ProblemExceptionHandler.response(verdict.refusal(refusal));
    }

    /** The X-RateLimit-* headers of the request's verdict, unless a stricter limit further in already set its own. */
    public static void addHeaders(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.getHeaders().contains(Verdict.LIMIT)) {
            return;
        }
        request.getAttribute(VERDICT, Verdict.class).ifPresent(v -> v.headers().forEach(response::header));
    }
}
