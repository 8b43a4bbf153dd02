package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.limits.Verdict;
import io.plansync.support.problem.ProblemException;
import io.plansync.support.problem.ProblemExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Limits every billing page and action per client address before anything else is done for it (429
 * {@code RATE_LIMITED} with Retry-After), and tells the browser where it stands in X-RateLimit-* headers on every
 * answer. The script and styles are not counted.
 */
@ServerFilter("/billing/**")
public class BillingRateLimitFilter implements Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(BillingRateLimitFilter.class);
    static final String VERDICT = "plansync.billing.rateLimit";

    private final BillingRateLimits limits;

    public BillingRateLimitFilter(BillingRateLimits limits) {
        this.limits = limits;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public @Nullable HttpResponse<?> limit(HttpRequest<?> request, @Nullable @Body byte[] wholeBody) {
        // wholeBody is not used: binding it makes the framework receive the whole body on the event loop before
        // this method moves the request to a blocking thread.
        if (request.getPath().startsWith("/billing/assets/")) {
            return null;
        }
        Verdict verdict;
        try {
            verdict = limits.takeForAddress(request.getRemoteAddress().getAddress().getHostAddress());
        } catch (RuntimeException e) {
            LOG.warn("Billing rate limit unavailable: {}", e.getClass().getSimpleName());
            return ProblemExceptionHandler.response(new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
                    ProblemCodes.SERVICE_UNAVAILABLE, "Service unavailable", "Try again shortly.", List.of(),
                    Map.of(HttpHeaders.RETRY_AFTER, "5")));
        }
        request.setAttribute(VERDICT, verdict);
        return verdict.allowed() ? null : ProblemExceptionHandler.response(
                verdict.refusal("Too many requests from this address; try again later."));
    }

    @ResponseFilter
    public void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.getHeaders().contains(Verdict.LIMIT)) {
            return;
        }
        request.getAttribute(VERDICT, Verdict.class).ifPresent(v -> v.headers().forEach(response::header));
    }

    @Override
    public int getOrder() {
        // As identity's /auth filter: after the input filters, before security.
        return ServerFilterPhase.SECURITY.before() + 2;
    }
}
