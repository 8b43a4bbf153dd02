package io.plansync.support.input;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteAttributes;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;
import io.plansync.support.problem.ProblemExceptionHandler;

/**
 * Checks the body of every request to a route against {@link JsonBody}, and that its declared charset exists,
 * before authentication, binding or any database work. The framework buffers the body for the filter and still hands the route every byte. Routes marked
 * {@link VerbatimBody} are skipped entirely, and so are requests that match no route (they get 404 or 405 anyway).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class JsonBodyFilter implements Ordered, ConditionalFilter {
    private final InputLimits limits;

    public JsonBodyFilter(InputLimits limits) {
        this.limits = limits;
    }

    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return RouteAttributes.getRouteMatch(request)
                .map(route -> !route.getRouteInfo().getAnnotationMetadata().hasAnnotation(VerbatimBody.class))
                .orElse(false);
    }

    @RequestFilter
    public @Nullable HttpResponse<?> check(HttpRequest<?> request, @Nullable @Body byte[] body) {
        try {
            // Body readers decode text in the declared charset; one Java does not know would fail them with a 500.
            request.getContentType().flatMap(MediaType::getCharset);
        } catch (IllegalArgumentException e) {
            return ProblemExceptionHandler.response(new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    ProblemCodes.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Send application/json in UTF-8."));
        }
        return body == null ? null : JsonBody.check(body, limits).map(InputRefusal::of).orElse(null);
    }

    @Override
    public int getOrder() {
        // Just after RequestTargetFilter, still before security: a bad body costs no token check or replay row.
        return ServerFilterPhase.SECURITY.before() + 1;
    }
}
