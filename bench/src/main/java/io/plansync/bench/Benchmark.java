package io.plansync.bench;

import java.time.Duration;
import java.util.List;

/**
 * PlanSync's benchmark, on one machine: (1) the pgbench ceiling for the database work of one accepted webhook,
 * (2) webhook ingest against a running payment-service (identity-service running too), (3) end-to-end sync latency
 * at a steady rate, (4) backlog drain after an identity outage, (5) the relay's drain with identity-service slow,
 * (6) webhook answers while a backlog drains, (7) a reconciliation over many users, (8) identity-service's batch
 * endpoint on its own, plus start-up time and peak memory of both services.
 * Prints one table; the options are {@link BenchOptions}'s. Each phase is a class of its own: {@link BenchSystem},
 * {@link WarmUp}, {@link Ceiling} and {@link Ingest} (in rounds: {@link CeilingAndIngest}), {@link SyncLatency},
 * {@link BacklogDrain}, {@link SlowIdentityDrain}, {@link IngestDuringDrain}, {@link ReconcileAtScale},
 * {@link IdentityBatchThroughput}; {@link ProcessSampling} says where the CPU went. With --peer, the
 * {@link Peer} takes the same load in every round ({@link PeerIngest}), and {@link DatabaseWork} compares what each
 * asks of PostgreSQL per event.
 */
public final class Benchmark {
    /** Not measured: Node's JIT warms up in seconds, not minutes. */
    private static final int PEER_WARM_UP_SECONDS = 20;
    /**
     * Not measured: identity-service restarted in the drain phases and has since seen batches only from the relay,
     * none since the reconciliation.
     */
    private static final int IDENTITY_WARM_UP_SECONDS = 5;

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        Table table = new Table();
        try (BenchSystem system = new BenchSystem(options); Peer peer = options.peer() ? new Peer() : null) {
            system.start().forEach(startUp -> startUp.addTo(table));
            List<String> users = system.createUsers(options.users());
            try (WebhookSender sender = new WebhookSender(system.webhookUrl(), system.webhookSecret(), users);
                 WebhookSender peerSender = peer == null ? null
                         : new WebhookSender(peer.start().webhookUrl(), peer.webhookSecret(), users)) {
                Ingest ingest = new Ingest(system, sender, options.relay());
                new WarmUp(system, ingest).run(options.warmupSeconds(), options.warmupMaxSeconds(),
                        options.clientCounts()).addTo(table);
                PeerIngest peerIngest = null;
                if (peer != null) {
                    peerIngest = new PeerIngest(system, peer, peerSender);
                    peerIngest.warmUp(32, PEER_WARM_UP_SECONDS);
                }
                if (options.relay()) {
                    system.awaitDrained(Duration.ofMinutes(5));
                }
                table.add("PostgreSQL autovacuum", system.vacuumIfAutovacuumIsOff() ? "on" : "off on this server: "
                        + "VACUUM (ANALYZE) of both services' databases before each measured phase");
                if (peer != null) {
                    for (int clients : options.clientCounts()) {
                        new DatabaseWork(system, sender, peerSender, peer.db())
                                .run(clients, Math.min(options.seconds(), 5)).addTo(table);
                    }
                    system.vacuumIfAutovacuumIsOff(peer.db());
                }
                CeilingAndIngest rounds = new CeilingAndIngest(system, new Ceiling(system, options.users()), ingest,
                        peerIngest, peer == null ? null : "@supabase/stripe-sync-engine " + peer.version());
                for (int clients : options.clientCounts()) {
                    rounds.run(clients, options.seconds(), options.rounds()).addTo(table);
                }
                if (options.relay()) {
                    new SyncLatency(system, sender).run(options.rate(), options.latencySeconds()).addTo(table);
                    system.vacuumIfAutovacuumIsOff();
                    new BacklogDrain(system, sender).run(options.backlog()).addTo(table);
                    if (options.slowBacklog() > 0) {
                        new SlowIdentityDrain(system, sender).run(options.slowBacklog(),
                                Duration.ofMillis(options.slowDelayMillis())).addTo(table);
                    }
                    if (options.drainLoadRate() > 0) {
                        system.vacuumIfAutovacuumIsOff();
                        new IngestDuringDrain(system, sender).run(options.backlog(), options.drainLoadRate(),
                                options.latencySeconds()).addTo(table);
                    }
                }
                if (options.reconcileUsers() > 0) {
                    new ReconcileAtScale(system).run(options.reconcileUsers()).addTo(table);
                }
                if (!options.identityClients().isEmpty()) {
                    system.vacuumIfAutovacuumIsOff();
                    try (var identityBatches = new IdentityBatchThroughput(system, users)) {
                        identityBatches.warmUp(options.identityClients().getLast(), IDENTITY_WARM_UP_SECONDS);
                        for (int clients : options.identityClients()) {
                            identityBatches.run(clients, options.seconds()).addTo(table);
                        }
                    }
                }
                system.addPeakMemoryTo(table);
            }
        }
        table.print();
    }
}
