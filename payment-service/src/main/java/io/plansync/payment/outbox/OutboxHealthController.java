package io.plansync.payment.outbox;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.time.Duration;
import java.time.Instant;

/**
 * GET /health/outbox, on the management port only: 200 {@link OutboxHealth} UP, or 503 while plans are stuck, for
 * alerting. Deliberately not a health indicator: /health/readiness decides whether a load balancer sends this
 * instance traffic, and a dead row taking every replica out of rotation would stop webhook intake as well.
 */
@Controller(value = "/health/outbox", port = "${endpoints.all.port}")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class OutboxHealthController {
    private final Outbox outbox;
    private final OutboxProperties properties;

    public OutboxHealthController(Outbox outbox, OutboxProperties properties) {
        this.outbox = outbox;
        this.properties = properties;
    }

    @Get
    public HttpResponse<OutboxHealth> check() {
        long dead = outbox.countByState().stream().filter(c -> "dead".equals(c.state()))
                .mapToLong(Outbox.StateCount::rows).sum();
        Duration oldest = outbox.oldestWaiting().map(t -> Duration.between(t, Instant.now()))
                .filter(age -> !age.isNegative()).orElse(Duration.ZERO);
        OutboxHealth health = OutboxHealth.of(dead, oldest, properties.healthMaxPendingAge());
        return HttpResponse.status(health.isUp() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(health);
    }
}
