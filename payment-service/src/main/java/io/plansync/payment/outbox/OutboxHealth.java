package io.plansync.payment.outbox;

import io.micronaut.serde.annotation.Serdeable;

import java.time.Duration;

/**
 * Whether plans are stuck in the outbox: DOWN while a row is dead (a human must act) or the oldest waiting row is
 * older than plansync.outbox.health-max-pending-age. It says nothing about whether this instance can take traffic.
 */
@Serdeable
public record OutboxHealth(String status, long deadRows, long oldestWaitingSeconds, long maxPendingAgeSeconds) {

    static OutboxHealth of(long deadRows, Duration oldestWaiting, Duration maxPendingAge) {
        boolean stuck = deadRows > 0 || oldestWaiting.compareTo(maxPendingAge) > 0;
        return new OutboxHealth(stuck ? "DOWN" : "UP", deadRows, oldestWaiting.toSeconds(), maxPendingAge.toSeconds());
    }

    public boolean isUp() {
        return "UP".equals(status);
    }
}
