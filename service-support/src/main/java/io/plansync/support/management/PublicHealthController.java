package io.plansync.support.management;

import io.micronaut.core.async.annotation.SingleResult;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthCheckType;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import org.reactivestreams.Publisher;

/**
 * /health, /health/liveness and /health/readiness on the public port, for load balancers and orchestrators: the
 * status only ({@code {"status":"UP"}}, 503 when DOWN). The details (which indicator, database versions, outbox
 * counts) and the metrics are served by Micronaut's endpoints on the management port alone (endpoints.all.port),
 * which routes only endpoints; this controller is a default route, so it answers only on the public port.
 */
@Controller("/health")
@Secured(SecurityRule.IS_ANONYMOUS)
public class PublicHealthController {
    private final HealthEndpoint health;

    public PublicHealthController(HealthEndpoint health) {
        this.health = health;
    }

    @Get
    @SingleResult
    public Publisher<HttpResponse<Status>> health() {
        return statusOf(health.getHealth(null));
    }

    /** Whether the process should be restarted: no dependency is checked. */
    @Get("/liveness")
    @SingleResult
    public Publisher<HttpResponse<Status>> liveness() {
        return statusOf(health.getHealth(null, HealthCheckType.LIVENESS));
    }

    /** Whether this instance can take traffic now (its database answers). */
    @Get("/readiness")
    @SingleResult
    public Publisher<HttpResponse<Status>> readiness() {
        return statusOf(health.getHealth(null, HealthCheckType.READINESS));
    }

    private Publisher<HttpResponse<Status>> statusOf(Publisher<HealthResult> result) {
        return Publishers.map(result, health -> HttpResponse.<Status>status(httpStatus(health.getStatus()))
                .body(new Status(health.getStatus().getName())));
    }

    private HttpStatus httpStatus(HealthStatus status) {
        return health.getStatusConfiguration().getHttpMapping().getOrDefault(status.getName(), HttpStatus.OK);
    }

    @Serdeable
    public record Status(String status) {
    }
}
