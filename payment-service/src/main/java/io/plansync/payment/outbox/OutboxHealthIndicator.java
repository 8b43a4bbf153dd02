package io.plansync.payment.outbox;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.plansync.contracts.OutboxState;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DOWN when a plan is stuck: a dead row exists (a human must act) or the oldest waiting row is older than
 * plansync.outbox.health-max-pending-age. Part of /health, not of /health/liveness: restarting does not fix it.
 */
@Singleton
public class OutboxHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final Outbox outbox;
    private final OutboxProperties properties;

    public OutboxHealthIndicator(Outbox outbox, OutboxProperties properties) {
        this.outbox = outbox;
        this.properties = properties;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        long dead = outbox.countByState().stream().filter(c -> OutboxState.DEAD.wire().equals(c.state()))
                .mapToLong(Outbox.StateCount::rows).sum();
        Duration oldest = outbox.oldestWaiting().map(t -> Duration.between(t, Instant.now())).orElse(Duration.ZERO);
        boolean healthy = dead == 0 && oldest.compareTo(properties.healthMaxPendingAge()) <= 0;
        healthStatus = healthy ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deadRows", dead);
        details.put("oldestWaitingSeconds", oldest.toSeconds());
        details.put("maxPendingAgeSeconds", properties.healthMaxPendingAge().toSeconds());
        return details;
    }

    @Override
    protected String getName() {
        return "outbox";
    }
}
