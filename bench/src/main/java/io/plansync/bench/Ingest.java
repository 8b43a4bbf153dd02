package io.plansync.bench;

import io.plansync.bench.ClosedLoop.Load;
import io.plansync.bench.ProcessSampling.CpuPerEvent;
import io.plansync.bench.ProcessSampling.CpuUse;
import io.plansync.bench.ProcessSampling.JitShare;
import io.plansync.bench.ProcessSampling.JitShares;

import java.time.Duration;
import java.time.Instant;

/**
 * Webhook ingest: closed-loop load on payment-service's webhook endpoint, with the relay and identity-service running
 * (unless --relay off), on one of two paths: every event a new purchase that changes the user's plan (a plan row and
 * an outbox row each, then a sync to identity-service), or purchases that change no plan (event and payment only).
 */
final class Ingest {
    /** What the load's events do to the users' plans. */
    enum Path {
        NEW_PURCHASE("every event a new purchase"),
        NO_CHANGE("no plan change");

        final String label;

        Path(String label) {
            this.label = label;
        }
    }

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
     * @param plansChanged    outbox rows written during the phase: one per event on the new-purchase path, none on
     *                        the no-change path
     * @param plansPerRequest null under --relay off, or when nothing was relayed
     */
    record Result(Path path, double rate, Latencies latencies, long errors, CpuPerEvent cpuPerEvent,
                  JitShares jitShares, String eventsPerTransaction, long plansChanged, String plansPerRequest) {
    }

    /** Load on this path at this many clients for this long, measured; with the relay on, returns once drained. */
    Result measure(Path path, int clients, int seconds) throws Exception {
        CpuUse cpu = CpuUse.start(system.paymentPid(), system.identityPid());
        JitShare jit = JitShare.start(system.paymentPid(), system.identityPid());
        Instant phaseStart = Instant.now();
        double surgeRounds = relay ? system.surgeRounds() : 0;
        Load load = ClosedLoop.run(clients, seconds,
                path == Path.NEW_PURCHASE ? sender::sendNext : sender::sendUnchanged);
        double rate = load.latencies().count() / (double) seconds;
        CpuPerEvent cpuPerEvent = cpu.perEvent(load.latencies().count());
        JitShares jitShares = jit.shares();
        String perTransaction = system.eventsPerTransactionSince(phaseStart);
        String perRequest = null;
        if (relay) {
            system.awaitDrained(Duration.ofMinutes(5));
            perRequest = path == Path.NEW_PURCHASE ? system.relayRoundsSince(phaseStart, surgeRounds) : null;
        }
        return new Result(path, rate, load.latencies(), load.errors(), cpuPerEvent, jitShares, perTransaction,
                system.plansChangedSince(phaseStart), perRequest);
    }

    /** New purchases at this many clients for this long, not measured beyond what the clients saw (the warm-up's). */
    Load load(int clients, int seconds) {
        return ClosedLoop.run(clients, seconds, sender::sendNext);
    }
}
