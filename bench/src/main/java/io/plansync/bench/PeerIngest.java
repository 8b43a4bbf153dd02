package io.plansync.bench;

import io.plansync.bench.ClosedLoop.Load;
import io.plansync.bench.ProcessSampling.CpuPerEvent;
import io.plansync.bench.ProcessSampling.CpuUse;
import io.plansync.testing.TestDatabases;

/**
 * Webhook ingest against the peer: PlanSync's load generator, clients and events (new purchases, signed with the
 * peer's webhook secret), on the peer's endpoint.
 */
final class PeerIngest {
    private final BenchSystem system;
    private final Peer peer;
    private final WebhookSender sender;

    PeerIngest(BenchSystem system, Peer peer, WebhookSender sender) {
        this.system = system;
        this.peer = peer;
        this.sender = sender;
    }

    /** @param cpuPerEvent the peer's Node process in the payment column; identity-service is idle meanwhile */
    record Result(double rate, Latencies latencies, long errors, CpuPerEvent cpuPerEvent) {
    }

    Result measure(int clients, int seconds) throws Exception {
        CpuUse cpu = CpuUse.start(peer.pid(), system.identityPid());
        Load load = ClosedLoop.run(clients, seconds, sender::sendNext);
        return new Result(load.latencies().count() / (double) seconds, load.latencies(), load.errors(),
                cpu.perEvent(load.latencies().count()));
    }

    TestDatabases.Database database() {
        return peer.db();
    }

    /** Not measured: Node's JIT warms up too. */
    void warmUp(int clients, int seconds) {
        ClosedLoop.run(clients, seconds, sender::sendNext);
    }
}
