package io.plansync.bench;

import io.plansync.bench.ProcessSampling.CpuUse;
import io.plansync.testing.TestDatabases;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pgbench ceiling: the database work of one accepted webhook, run by pgbench on a fresh database with
 * payment-service's schema, at as many clients as the ingest it is compared with. What the service could reach if
 * its own CPU cost nothing. Its users are the load's: as many, taken in turn, each already holding a plan (the
 * load's have held one since the warm-up), and each purchase changes it, as each of the load's new purchases does.
 */
final class Ceiling {
    private static final Path PAYMENT_MIGRATIONS = Path.of("db/src/main/resources/db/payments");

    private final BenchSystem system;
    private final int users;

    /** @param users as many as the load's events go to */
    Ceiling(BenchSystem system, int users) {
        this.system = system;
        this.users = users;
    }

    /** The pgbench ceiling and what one pgbench transaction cost the machine. */
    record Result(double tps, double machineCpuMsPerTransaction) {
    }

    Result measure(int clients, int seconds) throws Exception {
        TestDatabases.Database db = TestDatabases.fresh("bench_pgbench");
        URI uri = URI.create(db.url().substring("jdbc:".length()));
        Map<String, String> env = Map.of("PGPASSWORD", db.password());
        String database = uri.getPath().substring(1);
        List<String> connection = List.of("-h", uri.getHost(), "-p", Integer.toString(uri.getPort()), "-U", db.user());
        try (var files = Files.list(PAYMENT_MIGRATIONS)) {
            // In version order, as Flyway runs them: by name, V10 would come before V2.
            for (Path sql : files.sorted(Comparator.comparingInt(Ceiling::version)).toList()) {
                List<String> psql = new ArrayList<>(List.of("psql", "-q", "-v", "ON_ERROR_STOP=1"));
                psql.addAll(connection);
                psql.addAll(List.of("-d", database, "-f", sql.toString()));
                exec(psql, env);
            }
        }
        seedPlans(db);
        // The ledger's own statements (payment-service's LedgerScriptTest keeps this file equal to them), for users
        // in turn as the load takes them.
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-M", "prepared", "-f",
                "bench/sql/webhook-transaction.sql", "-D", "users=" + users, "-D", "clients=" + clients,
                "-D", "turn=-1", "-c", Integer.toString(clients), "-j",
                Integer.toString(Math.min(clients, 4)), "-T", Integer.toString(seconds)));
        command.addAll(connection);
        command.add(database);
        CpuUse cpu = CpuUse.start(system.paymentPid(), system.identityPid());
        String output = exec(command, env);
        Matcher tps = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)").matcher(output);
        if (!tps.find()) {
            throw new IllegalStateException("pgbench printed no tps:\n" + output);
        }
        double ceiling = Double.parseDouble(tps.group(1));
        return new Result(ceiling, cpu.perEvent(Math.round(ceiling * seconds)).machine());
    }

    /** A migration's version: 12 for V12__customer_mapping_record.sql. */
    private static int version(Path migration) {
        Matcher version = Pattern.compile("^V(\\d+)__").matcher(migration.getFileName().toString());
        if (!version.find()) {
            throw new IllegalStateException("not a versioned migration: " + migration);
        }
        return Integer.parseInt(version.group(1));
    }

    /**
     * One free plan for each of the script's users (ids as the script makes them), so that its first purchase
     * updates a plan row as the load's do rather than inserting one.
     */
    private void seedPlans(TestDatabases.Database db) throws SQLException {
        try (Connection connection = db.connect();
             PreparedStatement seed = connection.prepareStatement("insert into user_plans (user_id, plan, status, "
                     + "source_event_id, source_event_at) select md5('bench-user-' || g)::uuid, 'free', 'active', "
                     + "'evt_seed_' || g, now() - interval '1 day' from generate_series(0, ? - 1) g")) {
            seed.setInt(1, users);
            seed.executeUpdate();
        }
        try (Connection connection = db.connect(); Statement analyze = connection.createStatement()) {
            analyze.execute("vacuum (analyze) user_plans");
        }
    }

    private static String exec(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }
}
