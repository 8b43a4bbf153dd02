package io.plansync.bench;

import io.plansync.bench.ProcessSampling.CpuPerEvent;
import io.plansync.bench.ProcessSampling.CpuUse;
import io.plansync.bench.ProcessSampling.JitShare;
import io.plansync.bench.ProcessSampling.JitShares;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook ingest: closed-loop load on payment-service's webhook endpoint, each client sending its next event as soon
 * as the previous one was answered, with the relay and identity-service running (unless --relay off).
 */
final class Ingest {
    private final BenchSystem system;
    private final WebhookSender sender;
    private final boolean relay;

    Ingest(BenchSystem system, WebhookSender sender, boolean relay) {
        this.system = system;
        this.sender = sender;
        this.relay = relay;
    }

    /**
     * One measured ingest phase.
     *
     * @param plansPerRequest null under --relay off
     */
    record Result(double rate, Latencies latencies, long errors, CpuPerEvent cpuPerEvent, JitShares jitShares,
                  String eventsPerTransaction, String plansPerRequest) {
    }

    /** Load at this many clients for this long, measured; with the relay on, returns once it has drained. */
    Result measure(int clients, int seconds) throws Exception {
        CpuUse cpu = CpuUse.start(system.paymentPid(), system.identityPid());
        JitShare jit = JitShare.start(system.paymentPid(), system.identityPid());
        Instant phaseStart = Instant.now();
        Load load = load(clients, seconds);
        double rate = load.latencies().count() / (double) seconds;
        CpuPerEvent cpuPerEvent = cpu.perEvent(load.latencies().count());
        JitShares jitShares = jit.shares();
        String perTransaction = system.eventsPerTransactionSince(phaseStart);
        String perRequest = null;
        if (relay) {
            system.awaitDrained(Duration.ofMinutes(5));
            perRequest = system.plansPerRelayRequestSince(phaseStart);
        }
        return new Result(rate, load.latencies(), load.errors(), cpuPerEvent, jitShares, perTransaction, perRequest);
    }

    /** What the clients saw: the latency of each accepted event (200) and how many were not accepted. */
    record Load(Latencies latencies, long errors) {
    }

    /** Load at this many clients for this long, not measured beyond what the clients saw (the warm-up's). */
    Load load(int clients, int seconds) {
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
                        if (sender.sendNext() == 200) {
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
