package io.plansync.bench;

import io.plansync.bench.ClosedLoop.Load;
import io.plansync.testing.TestDatabases;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * What PlanSync and the peer ask of PostgreSQL per accepted event, from each database's pg_stat_database counters:
 * transactions committed and rows written (inserted + updated + deleted), for a short load of each kind at one
 * client count. PostgreSQL 15 backends report their counts at most once a second while busy and within 10 s of going
 * idle, so the counts are read 11 s after a load. The statements behind them are listed in bench/RESULTS.md.
 */
final class DatabaseWork {
    private static final Duration REPORTED = Duration.ofSeconds(11);

    private final BenchSystem system;
    private final WebhookSender sender;
    private final WebhookSender peerSender;
    private final TestDatabases.Database peerDb;

    DatabaseWork(BenchSystem system, WebhookSender sender, WebhookSender peerSender, TestDatabases.Database peerDb) {
        this.system = system;
        this.sender = sender;
        this.peerSender = peerSender;
        this.peerDb = peerDb;
    }

    /** A database's counters. */
    record Counts(long commits, long rowsWritten) {
        static Counts of(TestDatabases.Database db) throws SQLException {
            try (Connection connection = db.connect();
                 ResultSet row = connection.createStatement().executeQuery("select xact_commit, "
                         + "tup_inserted + tup_updated + tup_deleted from pg_stat_database "
                         + "where datname = current_database()")) {
                row.next();
                return new Counts(row.getLong(1), row.getLong(2));
            }
        }

        /** Per event since {@code before}, e.g. "0.31 commits, 5.2 rows". */
        String perEvent(Counts before, long events) {
            return String.format(Locale.ROOT, "%.2f commits, %.1f rows", (commits - before.commits) / (double) events,
                    (rowsWritten - before.rowsWritten) / (double) events);
        }
    }

    /**
     * Per event: PlanSync's new purchases (payment-service's database, relay included; identity-service's), the
     * peer's, PlanSync's no-change events.
     */
    record Result(int clients, String newPurchases, String newPurchasesIdentity, String peer, String noChange) {
        void addTo(Table table) {
            String at = "database work per accepted event, " + clients + " clients: ";
            table.add(at + "PlanSync, " + Ingest.Path.NEW_PURCHASE.label + " (payment DB, relay included; "
                    + "identity DB)", newPurchases + "; " + newPurchasesIdentity);
            table.add(at + "PlanSync, " + Ingest.Path.NO_CHANGE.label + " (payment DB)", noChange);
            table.add(at + "peer (its DB)", peer);
        }
    }

    Result run(int clients, int seconds) throws Exception {
        Thread.sleep(REPORTED.toMillis()); // what came before (the warm-ups, a VACUUM) is counted by now
        Counts payment = Counts.of(system.paymentDb());
        Counts identity = Counts.of(system.identityDb());
        long purchases = accepted(clients, seconds, sender::sendNext);
        system.awaitDrained(Duration.ofMinutes(5));
        Counts peerBefore = Counts.of(peerDb);
        long peerEvents = accepted(clients, seconds, peerSender::sendNext);
        Thread.sleep(REPORTED.toMillis());
        Counts paymentAfter = Counts.of(system.paymentDb());
        String newPurchases = paymentAfter.perEvent(payment, purchases);
        String newPurchasesIdentity = Counts.of(system.identityDb()).perEvent(identity, purchases);
        String peer = Counts.of(peerDb).perEvent(peerBefore, peerEvents);
        long unchanged = accepted(clients, seconds, sender::sendUnchanged);
        Thread.sleep(REPORTED.toMillis());
        String noChange = Counts.of(system.paymentDb()).perEvent(paymentAfter, unchanged);
        return new Result(clients, newPurchases, newPurchasesIdentity, peer, noChange);
    }

    private static long accepted(int clients, int seconds, IntSupplier request) {
        Load load = ClosedLoop.run(clients, seconds, request);
        return Math.max(1, load.latencies().count());
    }
}
