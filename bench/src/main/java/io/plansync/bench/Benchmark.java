package io.plansync.bench;

import io.plansync.support.keys.PemKeys;
import io.plansync.testing.ServiceProcess;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PlanSync's benchmark, on one machine: (1) the pgbench ceiling for the database work of one accepted webhook,
 * (2) webhook ingest against a running payment-service (identity-service running too), (3) end-to-end sync latency
 * at a steady rate, (4) backlog drain after an identity outage, plus start-up time and peak memory of both services.
 * Prints one table. Options: --seconds N (per ingest/pgbench step, default 10), --clients 8,32,64, --rate 500,
 * --latency-seconds 20, --backlog 50000, --users 120000 (one per event sent).
 */
public final class Benchmark {
    /** As in production: full JIT, a heap cap well under the 300 MB resident target. */
    private static final List<String> SERVICE_JVM = List.of("-Xmx192m", "-XX:+UseSerialGC");
    private static final String SECRET = "whsec_bench_" + UUID.randomUUID().toString().replace("-", "");
    private final Map<String, String> options;
    // HTTP/1.1 as Stripe sends webhooks (the JDK client would otherwise try an h2c upgrade on every connection).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final Map<String, String> rows = new LinkedHashMap<>();
    private final List<String> users = new ArrayList<>();
    private ServiceProcess identity;
    private ServiceProcess payment;
    private TestDatabases.Database identityDb;
    private TestDatabases.Database paymentDb;

    private Benchmark(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new Benchmark(options).run();
    }

    private int option(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private void run() throws Exception {
        int seconds = option("seconds", 10);
        int[] clientCounts = Arrays.stream(options.getOrDefault("clients", "8,32,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        try {
            startSystem();
            createUsers(option("users", 120_000));
            boolean relay = !"off".equals(options.get("relay"));
            for (int clients : clientCounts) {
                double ceiling = pgbench(clients, seconds);
                ingest(clients, seconds, ceiling);
                if (relay) {
                    awaitDrained(Duration.ofMinutes(5));
                }
            }
            if (relay) {
                syncLatency(option("rate", 500), option("latency-seconds", 20));
                backlogDrain(option("backlog", 50_000));
            }
            memory();
        } finally {
            if (payment != null) {
                payment.kill();
            }
            if (identity != null) {
                identity.kill();
            }
        }
        print();
    }

    // --- the system ---

    private void startSystem() {
        identityDb = TestDatabases.fresh("bench_identity");
        paymentDb = TestDatabases.fresh("bench_payments");
        int identityPort = ServiceProcess.freePort();
        int paymentPort = ServiceProcess.freePort();
        identity = ServiceProcess.of("identity-service", identityPort, Map.of(
                "IDENTITY_PORT", Integer.toString(identityPort),
                "DATASOURCES_DEFAULT_URL", identityDb.url(),
                "DATASOURCES_DEFAULT_USERNAME", identityDb.user(),
                "DATASOURCES_DEFAULT_PASSWORD", identityDb.password(),
                "IDENTITY_SERVICE_CLIENTS_PAYMENT_JWKS_URL",
                "http://127.0.0.1:" + paymentPort + "/.well-known/jwks.json",
                "IDENTITY_ARGON2_MEMORY_KIB", "1024", "IDENTITY_ARGON2_ITERATIONS", "1",
                "LOG_LEVEL", "WARN")).withJvmOptions(SERVICE_JVM);
        long started = System.nanoTime();
        identity.start();
        rows.put("identity-service start-up (process start to healthy)", ms(System.nanoTime() - started));
        Map<String, String> env = new HashMap<>();
        env.put("PAYMENT_PORT", Integer.toString(paymentPort));
        env.put("DATASOURCES_DEFAULT_URL", paymentDb.url());
        env.put("DATASOURCES_DEFAULT_USERNAME", paymentDb.user());
        env.put("DATASOURCES_DEFAULT_PASSWORD", paymentDb.password());
        env.put("PAYMENT_SERVICE_TOKEN_SIGNING_KEY", PemKeys.toPem(PemKeys.generate()));
        env.put("STRIPE_SECRET_KEY", "sk_test_bench");
        env.put("STRIPE_WEBHOOK_SECRET", SECRET);
        env.put("STRIPE_API_BASE", "http://127.0.0.1:9");
        env.put("IDENTITY_URL", identity.url());
        env.put("PLANSYNC_OUTBOX_MAX_BACKOFF", options.getOrDefault("max-backoff", "2s"));
        env.put("PLANSYNC_RECONCILE_ENABLED", "false");
        // --relay off: the webhook path alone, to tell its cost from the relay's and identity-service's.
        env.put("PLANSYNC_OUTBOX_RELAY_ENABLED", Boolean.toString(!"off".equals(options.get("relay"))));
        env.put("LOG_LEVEL", "WARN");
        payment = ServiceProcess.of("payment-service", paymentPort, env).withJvmOptions(SERVICE_JVM);
        started = System.nanoTime();
        payment.start();
        rows.put("payment-service start-up (process start to healthy)", ms(System.nanoTime() - started));
    }

    /**
     * Creates users straight in identity-service's database (fast set-up; registration is not what is measured).
     * Every event the benchmark sends goes to a user of its own, so each one changes a plan and is synced.
     */
    private void createUsers(int count) throws SQLException {
        try (Connection connection = identityDb.connect();
             PreparedStatement insert = connection.prepareStatement(
                     "insert into users (id, email, password_hash) select gen_random_uuid(), "
                             + "'bench-' || g || '@bench.test', 'not-a-login' from generate_series(1, ?) g "
                             + "returning id")) {
            insert.setInt(1, count);
            try (ResultSet ids = insert.executeQuery()) {
                while (ids.next()) {
                    users.add(ids.getString(1));
                }
            }
        }
    }

    // --- 1. the pgbench ceiling ---

    private double pgbench(int clients, int seconds) throws Exception {
        TestDatabases.Database db = TestDatabases.fresh("bench_pgbench");
        URI uri = URI.create(db.url().substring("jdbc:".length()));
        Map<String, String> env = Map.of("PGPASSWORD", db.password());
        String database = uri.getPath().substring(1);
        List<String> connection = List.of("-h", uri.getHost(), "-p", Integer.toString(uri.getPort()), "-U", db.user());
        Path migrations = Path.of("db/src/main/resources/db/payments");
        try (var files = Files.list(migrations)) {
            for (Path sql : files.sorted().toList()) {
                List<String> psql = new ArrayList<>(List.of("psql", "-q", "-v", "ON_ERROR_STOP=1"));
                psql.addAll(connection);
                psql.addAll(List.of("-d", database, "-f", sql.toString()));
                exec(psql, env);
            }
        }
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-M", "prepared", "-f",
                "bench/sql/webhook-transaction.sql", "-c", Integer.toString(clients), "-j",
                Integer.toString(Math.min(clients, 4)), "-T", Integer.toString(seconds)));
        command.addAll(connection);
        command.add(database);
        String output = exec(command, env);
        Matcher tps = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)").matcher(output);
        if (!tps.find()) {
            throw new IllegalStateException("pgbench printed no tps:\n" + output);
        }
        double ceiling = Double.parseDouble(tps.group(1));
        rows.put("pgbench ceiling, " + clients + " clients (tx/s)", String.format(Locale.ROOT, "%.0f", ceiling));
        return ceiling;
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

    // --- 2. webhook ingest ---

    private void ingest(int clients, int seconds, double ceiling) throws Exception {
        Latencies latencies = new Latencies();
        AtomicLong errors = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        long started = System.nanoTime();
                        int status = sendSucceeded(randomUser(), Instant.now().getEpochSecond(), null);
                        if (status == 200) {
                            latencies.add(System.nanoTime() - started);
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                });
            }
        }
        double rate = latencies.count() / (double) seconds;
        rows.put("webhook ingest, " + clients + " clients (accepted/s)", String.format(Locale.ROOT, "%.0f", rate));
        rows.put("webhook ingest, " + clients + " clients: share of pgbench ceiling",
                String.format(Locale.ROOT, "%.0f%%", 100 * rate / ceiling));
        rows.put("webhook ingest, " + clients + " clients: p50 / p95 / p99 latency",
                latencies.percentiles() + "; errors " + errors.get());
    }

    // --- 3. end-to-end sync latency ---

    private void syncLatency(int rate, int seconds) throws Exception {
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        int total = rate * seconds;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                pool.submit(() -> {
                    String eventId = "evt_latency_" + UUID.randomUUID();
                    if (sendSucceeded(randomUser(), Instant.now().getEpochSecond(), eventId) == 200) {
                        acknowledged.put(eventId, System.currentTimeMillis());
                    } else {
                        errors.incrementAndGet();
                    }
                });
            }
        }
        awaitDrained(Duration.ofMinutes(5));
        Latencies latencies = new Latencies();
        try (Connection connection = identityDb.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select event_id, occurred_at from plan_change_audit where event_id like 'evt_latency_%'");
             ResultSet found = select.executeQuery()) {
            while (found.next()) {
                Long ack = acknowledged.get(found.getString(1));
                if (ack != null) {
                    latencies.add(TimeUnit.MILLISECONDS.toNanos(
                            Math.max(0, found.getTimestamp(2).getTime() - ack)));
                }
            }
        }
        rows.put("sync latency at " + rate + " events/s (webhook 200 -> identity holds plan): p50 / p99",
                latencies.percentiles(50, 99) + "; " + latencies.count() + " of " + acknowledged.size()
                        + " measured; errors " + errors.get());
    }

    // --- 4. backlog drain ---

    private void backlogDrain(int events) throws Exception {
        identity.kill();
        AtomicLong sent = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 32; c++) {
                pool.submit(() -> {
                    while (sent.incrementAndGet() <= events) {
                        sendSucceeded(randomUser(), Instant.now().getEpochSecond(), null);
                    }
                });
            }
        }
        identity.start();
        long started = System.nanoTime();
        long waiting = awaitDrained(Duration.ofMinutes(10));
        double secondsTaken = (System.nanoTime() - started) / 1e9;
        rows.put("backlog drain: " + events + " plans after an identity outage",
                String.format(Locale.ROOT, "%.1f s = %.0f plans/s%s", secondsTaken, events / secondsTaken,
                        waiting == 0 ? "" : " (" + waiting + " still waiting)"));
    }

    /** Waits until no outbox row is pending or retrying. @return how many still are at the deadline */
    private long awaitDrained(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        long waiting;
        do {
            try (Connection connection = paymentDb.connect();
                 ResultSet count = connection.createStatement().executeQuery(
                         "select count(*) from outbox where state in ('pending', 'retrying')")) {
                count.next();
                waiting = count.getLong(1);
            }
            if (waiting > 0) {
                Thread.sleep(50);
            }
        } while (waiting > 0 && Instant.now().isBefore(deadline));
        return waiting;
    }

    private void memory() throws IOException {
        rows.put("peak resident memory: identity-service / payment-service",
                peakRss(identity.pid()) + " / " + peakRss(payment.pid()));
    }

    private static String peakRss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return (kb / 1024) + " MB";
            }
        }
        return "?";
    }

    // --- sending ---

    private final AtomicLong nextUser = new AtomicLong();

    /** A user no event has been sent for yet (wraps around only if --users is too small for the run). */
    private String randomUser() {
        return users.get((int) (nextUser.getAndIncrement() % users.size()));
    }

    private int sendSucceeded(String user, long created, String eventId) {
        String id = eventId == null ? "evt_bench_" + UUID.randomUUID() : eventId;
        String payload = StripeWebhooks.paymentIntentSucceeded(id, created, "pi_" + UUID.randomUUID(), user, "pro",
                2900, "usd");
        try {
            return http.send(HttpRequest.newBuilder(URI.create(payment.url() + "/webhook"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .header("Stripe-Signature", StripeWebhooks.sign(payload, SECRET))
                            .POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void print() {
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        System.out.println();
        System.out.println("PlanSync benchmark (" + Runtime.getRuntime().availableProcessors() + " cores, "
                + Instant.now() + ")");
        System.out.println("-".repeat(width + 40));
        rows.forEach((name, value) -> System.out.printf(Locale.ROOT, "%-" + width + "s  %s%n", name, value));
    }

    private static String ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }

    /** Latency samples and their percentiles. */
    private static final class Latencies {
        private final List<Long> samples = java.util.Collections.synchronizedList(new ArrayList<>());

        void add(long nanos) {
            samples.add(nanos);
        }

        int count() {
            return samples.size();
        }

        String percentiles() {
            return percentiles(50, 95, 99);
        }

        String percentiles(int... ps) {
            List<Long> sorted;
            synchronized (samples) {
                sorted = new ArrayList<>(samples);
            }
            if (sorted.isEmpty()) {
                return "no samples";
            }
            sorted.sort(Long::compare);
            List<String> parts = new ArrayList<>();
            for (int p : ps) {
                long value = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
                parts.add(String.format(Locale.ROOT, "%.1f", value / 1e6));
            }
            return String.join(" / ", parts) + " ms";
        }
    }
}
