package io.plansync.payment.ledger;

import io.plansync.testing.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's database ceiling runs the ledger's own statements: its pgbench script is the one generated from
 * them, and it runs against the payments schema leaving what the ledger leaves for an accepted payment (an event,
 * a payment, a plan change).
 */
class LedgerScriptTest {
    private static final Path BENCH_SCRIPT = Path.of("..", "bench", "sql", "webhook-transaction.sql");

    @Test
    void the_benchmarks_script_is_the_ledgers_own_statements() throws Exception {
        String generated = LedgerStatements.pgbenchScript();
        if (!Files.exists(BENCH_SCRIPT) || !Files.readString(BENCH_SCRIPT).equals(generated)) {
            Path current = Path.of("target", "webhook-transaction.sql");
            Files.createDirectories(current.getParent());
            Files.writeString(current, generated);
            throw new AssertionError(BENCH_SCRIPT + " differs from the ledger's statements: copy "
                    + current.toAbsolutePath() + " over it");
        }
    }

    @Test
    void the_generated_pgbench_script_records_payments_as_the_ledger_does() throws Exception {
        TestDatabases.Database database = TestDatabases.fresh("payments");
        Flyway.configure().dataSource(database.url(), database.user(), database.password())
                .locations("classpath:db/payments").load().migrate();
        Path script = Files.createTempFile("ledger-", ".sql");
        Files.writeString(script, LedgerStatements.pgbenchScript());
        URI uri = URI.create(database.url().substring("jdbc:".length()));

        // As the benchmark's ceiling runs it: users in turn (here 20 purchases over 1000 users, so 20 users).
        ProcessBuilder pgbench = new ProcessBuilder(List.of("pgbench", "-n", "-M", "prepared", "-f",
                script.toString(), "-D", "users=1000", "-D", "clients=2", "-D", "turn=-1", "-c", "2", "-t", "10",
                "-h", uri.getHost(), "-p", Integer.toString(uri.getPort()),
                "-U", database.user(), uri.getPath().substring(1))).redirectErrorStream(true);
        pgbench.environment().put("PGPASSWORD", database.password());
        Process process = pgbench.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("number of failed transactions: 0");
        try (Connection jdbc = database.connect()) {
            assertThat(count(jdbc, "select count(*) from stripe_events where outcome = 'accepted'")).isEqualTo(20);
            assertThat(count(jdbc, "select count(*) from payments where status = 'succeeded'")).isEqualTo(20);
            assertThat(count(jdbc, "select count(distinct user_id) from user_plans")).isEqualTo(20);
            assertThat(count(jdbc, "select count(*) from outbox")).isEqualTo(20);
        }
    }

    private static long count(Connection jdbc, String sql) throws SQLException {
        try (ResultSet rows = jdbc.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
