package io.plansync.bench;

import io.plansync.bench.ClosedLoop.Load;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Open-loop load: requests at a steady rate, each sent when due whatever the answers (a virtual thread each), and
 * each timed from when it was due, so that a stall counts for every request it held up, not only the first.
 */
final class OpenLoop {
    private OpenLoop() {
    }

    /**
     * @param more    asked before each request (keep it cheap): false ends the load; requests under way finish
     * @param request sends one request and returns its HTTP status
     * @return the latency of each request answered 200, and how many were not
     */
    static Load run(int rate, BooleanSupplier more, IntSupplier request) throws InterruptedException {
        Latencies latencies = new Latencies();
        AtomicLong errors = new AtomicLong();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; more.getAsBoolean(); i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                pool.submit(() -> {
                    if (request.getAsInt() == 200) {
                        latencies.add(System.nanoTime() - due);
                    } else {
                        errors.incrementAndGet();
                    }
                });
            }
        }
        return new Load(latencies, errors.get());
    }
}
