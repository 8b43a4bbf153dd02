package io.plansync.bench;

import io.plansync.contracts.PlanChangeBatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The relay against a slow identity-service: plans queue while the {@link DelayingProxy} cuts payment-service off
 * from identity-service (which keeps running, warm), then the relay drains them, once with identity-service
 * answering at once and once with each answer delayed. A relay that waited for each answer before it sent the next
 * batch would drain at most workers x batch / (delay + round) plans/s; the figures say how close it comes. Each drain
 * is timed from its first delivery to an empty outbox, with every row made due at the start, so the retry backoff
 * the outage left does not count.
 */
final class SlowIdentityDrain {
    /**
     * payment-service's defaults, which the benchmark keeps: 2 steady workers (PLANSYNC_OUTBOX_RELAY_WORKERS) and 2
     * surge workers (PLANSYNC_OUTBOX_RELAY_SURGE_WORKERS), all four busy while a backlog drains.
     */
    static final int RELAY_WORKERS = 4;

    private final BenchSystem system;
    private final WebhookSender sender;
    private final DelayingProxy proxy;

    SlowIdentityDrain(BenchSystem system, WebhookSender sender) {
        this.system = system;
        this.sender = sender;
        this.proxy = system.identityProxy();
    }

    /** payment-service's timer of its delivery requests (token, request, answer), in seconds. */
    private static final String REQUEST_TIMER = "plansync_outbox_delivery_request_seconds";

    /**
     * One drain.
     *
     * @param requestMillis the mean delivery request as payment-service timed it (signing the token, sending, the
     *                      answer); the rest of a round is claiming, recording and committing the batch
     * @param stillWaiting  outbox rows not delivered when it gave up (10 minutes)
     */
    record Drain(Duration delay, int plans, double seconds, BenchSystem.Deliveries deliveries, double requestMillis,
                 long timedRequests, long stillWaiting) {
        double rate() {
            return plans / seconds;
        }

        /** What one worker's round took, if both were busy all the time: claim, request, answer, record, commit. */
        double roundMillis() {
            return RELAY_WORKERS * deliveries.plansPerRequest() / rate() * 1000;
        }
    }

    record Result(Drain direct, Drain slow) {
        void addTo(Table table) {
            add(table, direct, "");
            add(table, slow, String.format(Locale.ROOT, "; %.2fx the 0-ms drain", slow.rate() / direct.rate()));
            long delay = slow.delay().toMillis();
            table.add("relay drain, identity " + delay + " ms slower: bound for " + RELAY_WORKERS + " workers "
                            + "waiting in turn, workers x " + PlanChangeBatch.MAX_CHANGES + " / (" + delay
                            + " ms + the 0-ms round)",
                    String.format(Locale.ROOT, "%d x %d / (%d + %.1f ms) = %.0f plans/s", RELAY_WORKERS,
                            PlanChangeBatch.MAX_CHANGES, delay, direct.roundMillis(),
                            RELAY_WORKERS * PlanChangeBatch.MAX_CHANGES / ((delay + direct.roundMillis()) / 1000)));
        }

        private static void add(Table table, Drain drain, String comparison) {
            table.add("relay drain: " + drain.plans() + " plans, identity answering " + drain.delay().toMillis()
                            + " ms later (via the bench's proxy)",
                    String.format(Locale.ROOT, "%.1f s = %.0f plans/s; %.1f plans per relay request (%d requests), "
                                    + "%d failed; %.1f ms per worker round; the request %.1f ms (mean of %d)%s%s",
                            drain.seconds(), drain.rate(), drain.deliveries().plansPerRequest(),
                            drain.deliveries().requests(), drain.deliveries().failedRequests(), drain.roundMillis(),
                            drain.requestMillis(), drain.timedRequests(), comparison,
                            drain.stillWaiting() == 0 ? "" : " (" + drain.stillWaiting() + " still waiting)"));
        }
    }

    Result run(int plans, Duration delay) throws Exception {
        Drain direct = drain(plans, Duration.ZERO);
        Drain slow = drain(plans, delay);
        return new Result(direct, slow);
    }

    private Drain drain(int plans, Duration delay) throws Exception {
        system.vacuumIfAutovacuumIsOff();
        proxy.cutOff();
        BacklogDrain.queue(sender, plans);
        // Read before the drain starts: most of it is over within a second or two.
        double requestSeconds = system.paymentMetric(REQUEST_TIMER + "_sum");
        double requests = system.paymentMetric(REQUEST_TIMER + "_count");
        proxy.delay(delay);
        proxy.reconnect();
        // After the requests refused during the cut-off (an attempt's time is its transaction's start).
        Instant since = Instant.now();
        // The outage left the rows retrying at times spread over the backoff (up to --max-backoff): all due now, so
        // that the drain shows the relay's pace rather than when the rows came due.
        system.makeOutboxDueNow();
        long waiting;
        try {
            waiting = system.awaitDrained(Duration.ofMinutes(10));
        } finally {
            proxy.delay(Duration.ZERO);
        }
        Instant drained = Instant.now();
        requestSeconds = system.paymentMetric(REQUEST_TIMER + "_sum") - requestSeconds;
        requests = system.paymentMetric(REQUEST_TIMER + "_count") - requests;
        BenchSystem.Deliveries deliveries = system.deliveriesSince(since);
        Instant first = deliveries.first() == null ? since : deliveries.first();
        return new Drain(delay, plans, Duration.between(first, drained).toNanos() / 1e9, deliveries,
                requests == 0 ? 0 : requestSeconds / requests * 1000, Math.round(requests), waiting);
    }
}
