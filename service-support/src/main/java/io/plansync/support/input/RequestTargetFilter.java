package io.plansync.support.input;

import io.plansync.support.problem.ProblemExceptionHandler;
import io.plansync.support.problem.ProblemException;
import io.plansync.contracts.ProblemCodes;
import io.micronaut.http.MediaType;
import io.micronaut.http.HttpStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.BasicHttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.plansync.support.problem.Problem;

import java.util.Optional;

/**
 * Checks every request's path and query against {@link RequestTarget} before authentication, binding or any
 * database work, so no route, token check or audit row ever sees a control character, a malformed escape or an
 * over-long value there.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestTargetFilter implements Ordered {
    private final InputLimits limits;

    public RequestTargetFilter(InputLimits limits) {
        this.limits = limits;
    }

    @RequestFilter
    public @Nullable HttpResponse<?> check(HttpRequest<?> request) {
        try {
            // Body readers decode text in the declared charset; one Java does not know would fail them with a 500.
            // Checked here, for every route, also those whose body no filter reads (VerbatimBody).
            request.getContentType().flatMap(MediaType::getCharset);
        } catch (IllegalArgumentException e) {
            return ProblemExceptionHandler.response(new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    ProblemCodes.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Send application/json in UTF-8."));
        }
        Optional<Problem.FieldError> error;
        try {
            error = RequestTarget.check(rawTarget(request), BasicHttpAttributes.getUriTemplate(request).orElse(null),
                    limits);
            if (error.isEmpty()) {
                // Routes and parameter binding read the target as a java.net.URI; one it cannot hold is refused here.
                request.getUri();
            }
        } catch (IllegalArgumentException e) {
            error = Optional.of(new Problem.FieldError("path", "must be a valid URI path and query"));
        }
        return error.map(InputRefusal::of).orElse(null);
    }

    /** The target exactly as the client sent it: the parsed URI would already have failed on some bad input. */
    private static String rawTarget(HttpRequest<?> request) {
        return request instanceof NettyHttpRequest<?> netty ? netty.getNativeRequest().uri()
                : request.getUri().toString();
    }

    @Override
    public int getOrder() {
        // After correlation ids and metrics (so refusals are logged and counted), before security.
        return ServerFilterPhase.SECURITY.before();
    }
}
