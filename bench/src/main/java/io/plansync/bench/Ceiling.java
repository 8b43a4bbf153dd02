package io.plansync.bench;

import io.plansync.bench.ProcessSampling.CpuUse;
import io.plansync.testing.TestDatabases;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pgbench ceiling: the database work of one accepted webhook, run by pgbench on a fresh database with
 * payment-service's schema, at as many clients as the ingest it is compared with. What the service could reach if
 * its own CPU cost nothing.
 */
final class Ceiling {
    private static final Path PAYMENT_MIGRATIONS = Path.of("db/src/main/resources/db/payments");

    private final BenchSystem system;

    Ceiling(BenchSystem system) {
        this.system = system;
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
            for (Path sql : files.sorted().toList()) {
                List<String> psql = new ArrayList<>(List.of("psql", "-q", "-v", "ON_ERROR_STOP=1"));
                psql.addAll(connection);
                psql.addAll(List.of("-d", database, "-f", sql.toString()));
                exec(psql, env);
            }
        }
        // The ledger's own statements (payment-service's LedgerScriptTest keeps this file equal to them).
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-M", "prepared", "-f",
                "bench/sql/webhook-transaction.sql", "-c", Integer.toString(clients), "-j",
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
