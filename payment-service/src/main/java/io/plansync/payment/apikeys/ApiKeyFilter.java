package io.plansync.payment.apikeys;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.plansync.support.limits.RateLimitedRequests;
import io.plansync.support.problem.ProblemException;
import io.plansync.support.problem.ProblemExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The developer API's boundary, before anything else handles a /v1 request: headers that claim an identity are
 * removed, the API key is resolved to its {@link ApiCaller} (401 without a valid one) and taken out of the request
 * (so no later filter or log sees it), the key's limits are applied (429 with Retry-After; X-RateLimit-* on every
 * answer), and every call is logged and counted with the key's id.
 */
@ServerFilter(ApiKeyFilter.PATTERN)
public class ApiKeyFilter implements Ordered {
    static final String PATTERN = "/v1/**";
    private static final String LOGGED = "plansync.apiCallLogged";
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyFilter.class);

    private final AuthenticateApiKey authenticate;
    private final ApiKeyLimits limits;
    private final MeterRegistry metrics;

    public ApiKeyFilter(AuthenticateApiKey authenticate, ApiKeyLimits limits, MeterRegistry metrics) {
        this.authenticate = authenticate;
        this.limits = limits;
        this.metrics = metrics;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public @Nullable HttpResponse<?> authenticate(MutableHttpRequest<?> request, @Nullable @Body byte[] wholeBody) {
        // wholeBody is not used: binding it makes the framework receive the whole body on the event loop before
        // this method moves the request to a blocking thread.
        List<String> claimed = new ArrayList<>();
        for (String name : request.getHeaders().names()) {
            if (IdentityHeaders.claimsIdentity(name)) {
                claimed.add(name);
            }
        }
        claimed.forEach(request.getHeaders()::remove);
        ApiCaller caller;
        try {
            caller = authenticate.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        } catch (ProblemException e) {
            count("none", e.status().getCode());
            return ProblemExceptionHandler.response(e);
        }
        request.getHeaders().remove(HttpHeaders.AUTHORIZATION);
        request.setAttribute(ApiCaller.ATTRIBUTE, caller);
        if (!claimed.isEmpty()) {
            LOG.info("API call with key {} sent identity headers {}; removed", caller.keyId(), claimed);
        }
        HttpResponse<?> refused = RateLimitedRequests.admit(request, () -> limits.take(caller),
                "This API key is over its limit; try again later.");
        if (refused != null) {
            // A response given here skips this filter's response method: the call is logged and counted now.
            logged(request, caller, refused.code());
        }
        return refused;
    }

    @ResponseFilter
    public void answered(HttpRequest<?> request, MutableHttpResponse<?> response) {
        RateLimitedRequests.addHeaders(request, response);
        request.getAttribute(ApiCaller.ATTRIBUTE, ApiCaller.class).ifPresent(caller -> logged(request, caller,
                response.code()));
    }

    private void logged(HttpRequest<?> request, ApiCaller caller, int status) {
        if (request.getAttribute(LOGGED).isPresent()) {
            return;
        }
        request.setAttribute(LOGGED, true);
        LOG.info("API call key={} {} {} -> {}", caller.keyId(), request.getMethodName(), request.getPath(), status);
        count(caller.keyId(), status);
    }

    /** plansync_api_calls_total by key id (none: refused before a key was known) and status class. */
    private void count(String keyId, int status) {
        metrics.counter("plansync.api.calls", "key", keyId, "status", (status / 100) + "xx").increment();
    }

    @Override
    public int getOrder() {
        return RateLimitedRequests.FILTER_ORDER;
    }
}
