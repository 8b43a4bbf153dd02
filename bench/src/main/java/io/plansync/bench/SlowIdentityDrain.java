package io.plansync.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The relay against a slow identity-service: plans queue while the {@link DelayingProxy} cuts payment-service off
 * from identity-service (which keeps running, warm), then the relay drains them: with identity-service answering at
 * once, with each answer delayed, and at once again (so that a JIT still warming up after the previous phase does
 * not favour the delayed drain; the delayed one is compared with the mean of the two). How many delivery requests
 * were in flight on average (Little's law, from payment-service's request timer) says whether a slow answer made the
 * relay send one request at a time. Each drain is timed from its first delivery to an empty outbox, with every row
 * made due at the start, so the retry backoff the outage left does not count.
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
     * @param plans         the plans queued (new purchases answered 200)
     * @param stillWaiting  outbox rows not delivered when it gave up (10 minutes), or dead
     */
    record Drain(Duration delay, int plans, double seconds, BenchSystem.Deliveries deliveries, double requestMillis,
                 long timedRequests, long stillWaiting) {
        double rate() {
            return plans / seconds;
        }

        /** Little's law: the delivery requests' summed time over the drain's time. */
        double requestsInFlight() {
            return requestMillis * timedRequests / 1000 / seconds;
        }

        /** What one worker's round took, if all were busy all the time: claim, request, answer, record, commit. */
        double roundMillis() {
            return RELAY_WORKERS * deliveries.plansPerRequest() / rate() * 1000;
        }
    }

    record Result(Drain direct, Drain slow, Drain directAgain) {
        void addTo(Table table) {
            double directRate = (direct.rate() + directAgain.rate()) / 2;
            double directRound = (direct.roundMillis() + directAgain.roundMillis()) / 2;
            add(table, direct, "", "");
            add(table, slow, "", String.format(Locale.ROOT, "; %.2fx the 0-ms drains' mean", slow.rate() / directRate));
            add(table, directAgain, ", again", "");
            long delay = slow.delay().toMillis();
            table.add("relay drain, identity " + delay + " ms slower: what the delay added to a worker's round",
                    String.format(Locale.ROOT, "%.1f ms (%.1f -> %.1f ms)", slow.roundMillis() - directRound,
                            directRound, slow.roundMillis()));
            table.add("relay drain, identity " + delay + " ms slower: delivery requests in flight on average "
                            + "(their summed time / the drain's; 1.0 would be one at a time)",
                    String.format(Locale.ROOT, "%.1f (%.1f and %.1f answering at once)", slow.requestsInFlight(),
                            direct.requestsInFlight(), directAgain.requestsInFlight()));
        }

        private static void add(Table table, Drain drain, String label, String comparison) {
            table.add("relay drain: " + drain.plans() + " plans, identity answering " + drain.delay().toMillis()
                            + " ms later (via the bench's proxy)" + label,
                    String.format(Locale.ROOT, "%.1f s = %.0f plans/s; %.1f plans per relay request (%d requests), "
                                    + "%d failed; %.1f ms per worker round; the request %.1f ms (mean of %d)%s%s",
                            drain.seconds(), drain.rate(), drain.deliveries().plansPerRequest(),
                            drain.deliveries().requests(), drain.deliveries().failedRequests(), drain.roundMillis(),
                            drain.requestMillis(), drain.timedRequests(),
                            comparison, BacklogDrain.notDelivered(drain.stillWaiting())));
        }
    }

    /** @param events new purchases sent for each drain (those answered 200 are its plans) */
    Result run(int events, Duration delay) throws Exception {
        Drain direct = drain(events, Duration.ZERO);
        Drain slow = drain(events, delay);
        Drain directAgain = drain(events, Duration.ZERO);
        return new Result(direct, slow, directAgain);
    }

    private Drain drain(int events, Duration delay) throws Exception {
        system.vacuumIfAutovacuumIsOff();
        long before = system.lastOutboxId();
        proxy.cutOff();
        int plans = BacklogDrain.queue(sender, events);
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
                requests == 0 ? 0 : requestSeconds / requests * 1000, Math.round(requests),
                waiting + system.deadAfter(before));
    }
}
