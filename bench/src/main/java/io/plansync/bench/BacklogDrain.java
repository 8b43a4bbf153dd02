package io.plansync.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backlog drain: identity-service is killed, plans queue up in payment-service's outbox, identity-service starts
 * again, and the relay delivers the backlog. Timed from the restart to an empty outbox.
 */
final class BacklogDrain {
    private static final int SENDERS = 32;

    private final BenchSystem system;
    private final WebhookSender sender;

    BacklogDrain(BenchSystem system, WebhookSender sender) {
        this.system = system;
        this.sender = sender;
    }

    /** @param stillWaiting outbox rows not delivered when it gave up (10 minutes) */
    record Result(int events, double seconds, long stillWaiting) {
        void addTo(Table table) {
            table.add("backlog drain: " + events + " plans after an identity outage",
                    String.format(Locale.ROOT, "%.1f s = %.0f plans/s%s", seconds, events / seconds,
                            stillWaiting == 0 ? "" : " (" + stillWaiting + " still waiting)"));
        }
    }

    Result run(int events) throws Exception {
        system.killIdentity();
        queue(sender, events);
        system.restartIdentity();
        long started = System.nanoTime();
        long waiting = system.awaitDrained(Duration.ofMinutes(10));
        return new Result(events, (System.nanoTime() - started) / 1e9, waiting);
    }

    /** Sends {@code events} new purchases from 32 clients at once, as fast as they are answered: a backlog. */
    static void queue(WebhookSender sender, int events) {
        AtomicLong sent = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < SENDERS; c++) {
                pool.submit(() -> {
                    while (sent.incrementAndGet() <= events) {
                        sender.sendNext();
                    }
                });
            }
        }
    }
}
