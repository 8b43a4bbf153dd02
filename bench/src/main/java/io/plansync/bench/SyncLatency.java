package io.plansync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end sync latency: events at a steady rate (open loop, each sent when due whatever the answers), each
 * measured from payment-service's 200 to identity-service's audit row for it, that is until identity holds the plan.
 */
final class SyncLatency {
    /** Marks this phase's events, so that their audit rows can be found. */
    private static final String EVENT_PREFIX = "evt_latency_";

    private final BenchSystem system;
    private final WebhookSender sender;

    SyncLatency(BenchSystem system, WebhookSender sender) {
        this.system = system;
        this.sender = sender;
    }

    /** @param acknowledged events answered 200, of which {@code latencies} counts those found in the audit */
    record Result(int rate, String plansPerRequest, Latencies latencies, int acknowledged, long errors) {
        void addTo(Table table) {
            table.add("sync latency at " + rate + " events/s: plans per relay request", plansPerRequest);
            table.add("sync latency at " + rate + " events/s (webhook 200 -> identity holds plan): p50 / p99",
                    latencies.percentiles(50, 99) + "; " + latencies.count() + " of " + acknowledged
                            + " measured; errors " + errors);
        }
    }

    Result run(int rate, int seconds) throws Exception {
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        Instant phaseStart = Instant.now();
        double surgeRounds = system.surgeRounds();
        long start = System.nanoTime();
        int total = rate * seconds;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                pool.submit(() -> {
                    String eventId = EVENT_PREFIX + UUID.randomUUID();
                    if (sender.sendNext(eventId) == 200) {
                        acknowledged.put(eventId, System.currentTimeMillis());
                    } else {
                        errors.incrementAndGet();
                    }
                });
            }
        }
        system.awaitDrained(Duration.ofMinutes(5));
        String plansPerRequest = system.relayRoundsSince(phaseStart, surgeRounds);
        Latencies latencies = new Latencies();
        try (Connection connection = system.identityDb().connect();
             PreparedStatement select = connection.prepareStatement(
                     "select event_id, occurred_at from plan_change_audit where event_id like '" + EVENT_PREFIX + "%'");
             ResultSet found = select.executeQuery()) {
            while (found.next()) {
                Long ack = acknowledged.get(found.getString(1));
                if (ack != null) {
                    latencies.add(TimeUnit.MILLISECONDS.toNanos(
                            Math.max(0, found.getTimestamp(2).getTime() - ack)));
                }
            }
        }
        return new Result(rate, plansPerRequest, latencies, acknowledged.size(), errors.get());
    }
}
