package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.plansync.support.limits.ClientAddresses;
import io.plansync.support.limits.RateLimitedRequests;

/**
 * Limits every billing page and action per client address before anything else is done for it (429
 * {@code RATE_LIMITED} with Retry-After), and tells the browser where it stands in X-RateLimit-* headers on every
 * answer. The script and styles are not counted.
 */
@ServerFilter("/billing/**")
public class BillingRateLimitFilter implements Ordered {
    private final BillingRateLimits limits;
    private final ClientAddresses clientAddresses;

    public BillingRateLimitFilter(BillingRateLimits limits, ClientAddresses clientAddresses) {
        this.limits = limits;
        this.clientAddresses = clientAddresses;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public @Nullable HttpResponse<?> limit(HttpRequest<?> request, @Nullable @Body byte[] wholeBody) {
        // wholeBody is not used: binding it makes the framework receive the whole body on the event loop before
        // this method moves the request to a blocking thread.
        if (request.getPath().startsWith("/billing/assets/")) {
            return null;
        }
        return RateLimitedRequests.admit(request, () -> limits.takeForAddress(clientAddresses.of(request)),
                "Too many requests from this address; try again later.");
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
