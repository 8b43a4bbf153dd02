package io.plansync.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * @param plans        the plans queued: new purchases answered 200, each one outbox row
     * @param stillWaiting outbox rows not delivered when it gave up (10 minutes), or dead
     */
    record Result(int plans, double seconds, long stillWaiting) {
        void addTo(Table table) {
            table.add("backlog drain: " + plans + " plans after an identity outage",
                    String.format(Locale.ROOT, "%.1f s = %.0f plans/s%s", seconds, plans / seconds,
                            notDelivered(stillWaiting)));
        }
    }

    Result run(int events) throws Exception {
        long before = system.lastOutboxId();
        system.killIdentity();
        int plans = queue(sender, events);
        system.restartIdentity();
        long started = System.nanoTime();
        long waiting = system.awaitDrained(Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(plans, seconds, waiting + system.deadAfter(before));
    }

    /**
     * Sends {@code events} new purchases from 32 clients at once, as fast as they are answered: a backlog.
     * @return how many were answered 200 (each queued one plan)
     */
    static int queue(WebhookSender sender, int events) {
        AtomicLong sent = new AtomicLong();
        AtomicInteger accepted = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < SENDERS; c++) {
                pool.submit(() -> {
                    while (sent.incrementAndGet() <= events) {
                        if (sender.sendNext() == 200) {
                            accepted.incrementAndGet();
                        }
                    }
                });
            }
        }
        return accepted.get();
    }

    /** The note a drain's figure carries when some of its plans were not delivered. */
    static String notDelivered(long rows) {
        return rows == 0 ? "" : " (" + rows + " not delivered: still waiting or dead)";
    }
}
