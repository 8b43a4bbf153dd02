package io.plansync.payment.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.scheduling.annotation.Scheduled;
import io.plansync.contracts.OutboxState;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * plansync.outbox.*: rows by state and the age of the oldest waiting row (refreshed every 10 s, not per scrape),
 * and delivery attempts with their latency by outcome.
 */
@Singleton
public class OutboxMetrics {
    private final Outbox outbox;
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> rowsByState = new ConcurrentHashMap<>();
    private final AtomicLong oldestWaitingSeconds = new AtomicLong();
    private final AtomicLong surgeWorkersAtWork = new AtomicLong();
    private final Counter surgeRounds;

    public OutboxMetrics(Outbox outbox, MeterRegistry registry) {
        this.outbox = outbox;
        this.registry = registry;
        for (OutboxState state : OutboxState.values()) {
            AtomicLong rows = rowsByState.computeIfAbsent(state.wire(), s -> new AtomicLong());
            Gauge.builder("plansync.outbox.rows", rows, AtomicLong::get).tag("state", state.wire())
                    .description("outbox rows in each state").register(registry);
        }
        Gauge.builder("plansync.outbox.oldest.waiting.seconds", oldestWaitingSeconds, AtomicLong::get)
                .description("age of the oldest pending or retrying row").register(registry);
        Gauge.builder("plansync.outbox.surge.workers", surgeWorkersAtWork, AtomicLong::get)
                .description("surge workers running rounds now (0 while no backlog calls them in)").register(registry);
        // Registered now, so that dashboards read 0 rather than no series before the first backlog.
        surgeRounds = Counter.builder("plansync.outbox.surge.rounds").description("rounds run by surge workers")
                .register(registry);
    }

    @Scheduled(fixedDelay = "10s", initialDelay = "2s")
    void refresh() {
        Map<String, Long> counts = new java.util.HashMap<>();
        outbox.countByState().forEach(c -> counts.put(c.state(), c.rows()));
        for (OutboxState state : OutboxState.values()) {
            rowsByState.get(state.wire()).set(counts.getOrDefault(state.wire(), 0L));
        }
        oldestWaitingSeconds.set(outbox.oldestWaiting()
                .map(oldest -> Math.max(0, Duration.between(oldest, Instant.now()).toSeconds())).orElse(0L));
    }

    /** A round run by a surge worker: how often a backlog called them in, and for how long. */
    void surgeRound() {
        surgeRounds.increment();
    }

    /** A surge worker was called in by a backlog ({@code +1}) or went back to waiting for one ({@code -1}). */
    void surgeWorkers(int change) {
        surgeWorkersAtWork.addAndGet(change);
    }

    /** One delivery request (its latency) and each row it carried, by outcome. */
    void delivery(java.util.List<DeliverPlanChanges.Outcome> outcomes, long nanos) {
        // A histogram, so that alerts and dashboards read a true p99 (histogram_quantile over the _bucket series).
        Timer.builder("plansync.outbox.delivery.request").description("delivery requests to identity-service")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry).record(Duration.ofNanos(nanos));
        for (DeliverPlanChanges.Outcome outcome : outcomes) {
            registry.counter("plansync.outbox.delivery.rows",
                    "outcome", outcome.kind().wire()).increment();
        }
    }
}
