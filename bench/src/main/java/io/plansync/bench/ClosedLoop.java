package io.plansync.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Closed-loop load, the same for PlanSync and the peer: each client sends its next request as soon as the previous
 * one was answered.
 */
final class ClosedLoop {
    private ClosedLoop() {
    }

    /** What the clients saw: the latency of each accepted event (200) and how many were not accepted. */
    record Load(Latencies latencies, long errors) {
    }

    /** @param request sends one request and returns its HTTP status */
    static Load run(int clients, int seconds, IntSupplier request) {
        Latencies latencies = new Latencies();
        AtomicLong errors = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        // One platform thread per client, blocking in its socket read as pgbench's clients do: a virtual thread
        // would go through the JDK's poller thread and a carrier on every response, two more wake-ups per request
        // on the two cores the services share.
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        long started = System.nanoTime();
                        if (request.getAsInt() == 200) {
                            latencies.add(System.nanoTime() - started);
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                });
            }
        }
        return new Load(latencies, errors.get());
    }
}
