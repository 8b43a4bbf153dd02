package io.plansync.support.headers;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * {@code X-Content-Type-Options: nosniff} on every response, errors and management endpoints included: a browser
 * must never read a JSON body (which may echo user input) as HTML or script.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class NoSniffFilter implements Ordered {
    static final String HEADER = "X-Content-Type-Options";

    @ResponseFilter
    public void noSniff(MutableHttpResponse<?> response) {
        response.header(HEADER, "nosniff");
    }

    @Override
    public int getOrder() {
        // Outside security, so its refusals carry the header too.
        return ServerFilterPhase.FIRST.order();
    }
}
