package io.plansync.bench;

import io.plansync.bench.ClosedLoop.Load;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Webhook answers while a backlog drains: a steady webhook load (new purchases, open loop) first with nothing to
 * drain, then from the end of an outage until the outage's backlog is delivered. The outage cuts payment-service off
 * through the {@link DelayingProxy} when there is one, so that identity-service stays warm as it was for the first
 * load and only the drain differs; without the proxy (--slow-backlog 0) identity-service is killed and restarted,
 * and its cold start shares the cores with the drain too. The relay's rounds and the webhooks' transactions share
 * payment-service, its database and the two cores, and Stripe gives up on a webhook that is not answered in time: a
 * drain must not starve ingest. The load's own plan changes are synced as they come, behind or between the
 * backlog's batches; the drain is timed until the backlog's rows are delivered.
 */
final class IngestDuringDrain {
    private final BenchSystem system;
    private final WebhookSender sender;

    IngestDuringDrain(BenchSystem system, WebhookSender sender) {
        this.system = system;
        this.sender = sender;
    }

    /**
     * @param quiet        the load with nothing draining
     * @param draining     the same load from the outage's end until the backlog was delivered
     * @param backlog      the backlog's plans (new purchases answered 200)
     * @param drainSeconds from the outage's end until then
     * @param stillWaiting backlog rows not delivered when it gave up (10 minutes), and rows written since the outage
     *                     began that went dead
     */
    record Result(int rate, Load quiet, int backlog, boolean identityRestarted, Load draining, double drainSeconds,
                  long stillWaiting) {
        void addTo(Table table) {
            String at = "webhook answers at " + rate + " events/s";
            String outage = identityRestarted ? "identity-service killed and restarted cold"
                    : "identity-service cut off and reconnected, warm";
            table.add(at + ", nothing draining: p50 / p99", answers(quiet));
            table.add(at + " while " + backlog + " plans drain (" + outage + "): p50 / p99", answers(draining));
            table.add("backlog drain: " + backlog + " plans, under " + rate + " webhooks/s",
                    String.format(Locale.ROOT, "%.1f s = %.0f plans/s%s", drainSeconds, backlog / drainSeconds,
                            BacklogDrain.notDelivered(stillWaiting)));
        }

        private static String answers(Load load) {
            return load.latencies().percentiles(50, 99) + "; " + load.latencies().count() + " answered 200, errors "
                    + load.errors();
        }
    }

    Result run(int backlog, int rate, int quietSeconds) throws Exception {
        long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(quietSeconds);
        Load quiet = OpenLoop.run(rate, () -> System.nanoTime() < quietUntil, sender::sendNext);
        system.awaitDrained(Duration.ofMinutes(5));
        system.vacuumIfAutovacuumIsOff();

        DelayingProxy proxy = system.identityProxy();
        long before = system.lastOutboxId();
        if (proxy != null) {
            proxy.cutOff();
        } else {
            system.killIdentity();
        }
        int plans = BacklogDrain.queue(sender, backlog);
        long lastOfBacklog = system.lastOutboxId();
        if (proxy != null) {
            proxy.reconnect();
        } else {
            system.restartIdentity();
        }
        long started = System.nanoTime();
        var drained = new CompletableFuture<Void>();
        CompletableFuture<Load> load = CompletableFuture.supplyAsync(() -> {
            try {
                return OpenLoop.run(rate, () -> !drained.isDone(), sender::sendNext);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, Thread.ofVirtual()::start);
        long waiting;
        try {
            waiting = system.awaitDrained(Duration.ofMinutes(10), lastOfBacklog);
        } finally {
            drained.complete(null);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Load draining = load.get();
        system.awaitDrained(Duration.ofMinutes(5));
        return new Result(rate, quiet, plans, proxy == null, draining, seconds, waiting + system.deadAfter(before));
    }
}
