package io.plansync.support.correlation;

import io.micronaut.context.propagation.slf4j.MdcPropagationContext;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Gives every request a correlation id (echoed in the response) and writes one access-log line per request with
 * it: method, path, status, time taken. Query strings are not logged; they may carry ids an operator filters by
 * but never need to.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class CorrelationFilter implements Ordered {
    private static final Logger ACCESS = LoggerFactory.getLogger("plansync.access");
    private static final String STARTED = "plansync.started";
    private static final String ID = "plansync.correlationId";

    @RequestFilter
    public void before(HttpRequest<?> request, MutablePropagatedContext context) {
        String id = CorrelationId.acceptOrCreate(request.getHeaders().get(CorrelationId.HEADER));
        request.setAttribute(ID, id);
        request.setAttribute(STARTED, System.nanoTime());
        context.add(new MdcPropagationContext(Map.of(CorrelationId.MDC_KEY, id)));
    }

    @ResponseFilter
    public void after(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String id = request.getAttribute(ID, String.class).orElse("-");
        response.header(CorrelationId.HEADER, id);
        long started = request.getAttribute(STARTED, Long.class).orElse(System.nanoTime());
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info("{} {} {} {}ms correlationId={}", request.getMethodName(), request.getPath(),
                    response.code(), (System.nanoTime() - started) / 1_000_000, id);
        }
    }

    @Override
    public int getOrder() {
        // Outside security, so refusals are logged and carry the id too.
        return ServerFilterPhase.FIRST.order();
    }
}
