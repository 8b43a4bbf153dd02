package io.plansync.identity.limits;

import io.plansync.support.limits.ClientAddresses;
import io.plansync.support.limits.RateLimitedRequests;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * Limits /auth/* per client address ({@link Limit#AUTH_REQUESTS}) before anything else is done for the request, and
 * tells the client where it stands in X-RateLimit-* headers on every answer. A refusal that comes from a stricter
 * limit further in (failed logins) carries that limit's headers instead.
 */
@ServerFilter("/auth/**")
public class AuthRateLimitFilter implements Ordered {
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
        return RateLimitedRequests.admit(request, () -> rateLimits.take(Limit.AUTH_REQUESTS,
                clientAddresses.of(request)), "Too many requests from this address; try again later.");
    }

    @ResponseFilter
    public void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        RateLimitedRequests.addHeaders(request, response);
    }

    @Override
    public int getOrder() {
        return RateLimitedRequests.FILTER_ORDER;
    }
}
