package io.plansync.identity.limits;

import io.plansync.support.limits.Verdict;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;
import io.plansync.support.problem.ProblemExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Limits /auth/* per client address ({@link Limit#AUTH_REQUESTS}) before anything else is done for the request, and
 * tells the client where it stands in X-RateLimit-* headers on every answer. A refusal that comes from a stricter
 * limit further in (failed logins) carries that limit's headers instead.
 */
@ServerFilter("/auth/**")
public class AuthRateLimitFilter implements Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(AuthRateLimitFilter.class);
    private static final String VERDICT = "plansync.rateLimit.verdict";

    private final RateLimits rateLimits;
    private final ClientAddresses clientAddresses;

    public AuthRateLimitFilter(RateLimits rateLimits, ClientAddresses clientAddresses) {
        this.rateLimits = rateLimits;
        this.clientAddresses = clientAddresses;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public @Nullable HttpResponse<?> limit(HttpRequest<?> request, @Nullable @Body byte[] wholeBody) {
        // wholeBody is not used: binding it makes the framework receive the whole body on the event loop before
        // this method moves the request to a blocking thread (a body still arriving must not be read from there).
        Verdict verdict;
        try {
            verdict = rateLimits.take(Limit.AUTH_REQUESTS, clientAddresses.of(request));
        } catch (RuntimeException e) {
            // Without its database the service can do nothing here anyway; say so in a way clients retry.
            LOG.warn("Rate limit unavailable for {} {}: {}", request.getMethodName(), request.getPath(), e.toString());
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
        request.getAttribute(VERDICT, Verdict.class)
                .ifPresent(verdict -> verdict.headers().forEach(response::header));
    }

    @Override
    public int getOrder() {
        // After the input filters, which buffer the body on the event loop: this filter's database work moves the
        // request to another thread, where reading a body still arriving trips Micronaut. Still before security.
        return ServerFilterPhase.SECURITY.before() + 2;
    }
}
