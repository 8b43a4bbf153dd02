package io.plansync.bench;

import io.plansync.support.keys.PemKeys;
import io.plansync.testing.ServiceProcess;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
import java.util.stream.Collectors;

/**
 * PlanSync's benchmark, on one machine: (1) the pgbench ceiling for the database work of one accepted webhook,
 * (2) webhook ingest against a running payment-service (identity-service running too), (3) end-to-end sync latency
 * at a steady rate, (4) backlog drain after an identity outage, plus start-up time and peak memory of both services.
 * Prints one table. Options: --seconds N (per ingest/pgbench step, default 10), --clients 8,32,64, --rounds 3
 * (pgbench-then-ingest rounds per client count; the median round is reported), --rate 500,
 * --latency-seconds 20, --backlog 50000, --users 120000 (events go to them in turn), --warmup 60 and --warmup-max 300
 * (seconds at 32 clients, not measured: at least the first, then until the JIT has settled, at most the second),
 * --relay off (the webhook path alone), --aot off (no AOT cache run).
 */
public final class Benchmark {
    /**
     * As the Dockerfiles and plansync-local run them: full JIT, serial GC, a heap that starts small and grows only as
     * needed (with -Xms defaulting to the cap, all 192 MB were committed and resident from the start).
     */
    private static final List<String> SERVICE_JVM = List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx192m");
    private static final String SECRET = "whsec_bench_" + UUID.randomUUID().toString().replace("-", "");
    private final Map<String, String> options;
    // HTTP/1.1 with keep-alive, as Stripe sends webhooks; no automatic retries, so every failure counts as an error.
    private final CloseableHttpClient http = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(512).setMaxConnPerRoute(512)
                    .setDefaultConnectionConfig(ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.ofSeconds(5)).setSocketTimeout(Timeout.ofSeconds(30)).build())
                    .build())
            .disableAutomaticRetries().build();
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
            warmUp(option("warmup", 60), option("warmup-max", 300), clientCounts);
            if (relay) {
                awaitDrained(Duration.ofMinutes(5));
            }
            vacuumIfAutovacuumIsOff();
            for (int clients : clientCounts) {
                ceilingAndIngest(clients, seconds, Math.max(1, option("rounds", 3)), relay);
            }
            if (relay) {
                syncLatency(option("rate", 500), option("latency-seconds", 20));
                vacuumIfAutovacuumIsOff();
                backlogDrain(option("backlog", 50_000));
            }
            memory();
        } finally {
            // Graceful stops, so that a profiler attached with --payment-jvm writes its output.
            if (payment != null) {
                payment.stop();
            }
            if (identity != null) {
                identity.stop();
            }
        }
        print();
    }

    // --- the system ---

    private void startSystem() throws IOException {
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
                "PLANSYNC_KEY_ENCRYPTION_KEY", TestKeys.newKeyEncryptionKey(),
                "LOG_LEVEL", "WARN"));
        startMeasured(identity, "identity-service");
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
        // The load's events stand for PaymentIntents created elsewhere (Stripe is not called to create them).
        env.put("PLANSYNC_ACCEPT_EXTERNAL_PAYMENT_INTENTS", "true");
        // --relay off: the webhook path alone, to tell its cost from the relay's and identity-service's.
        env.put("PLANSYNC_OUTBOX_RELAY_ENABLED", Boolean.toString(!"off".equals(options.get("relay"))));
        env.put("LOG_LEVEL", "WARN");
        payment = ServiceProcess.of("payment-service", paymentPort, env);
        startMeasured(payment, "payment-service");
    }

    /**
     * Starts a service twice: once plain, recording a JDK AOT cache (JEP 483/514: classes loaded and linked, method
     * profiles) when it stops, then with that cache, as a deployment that builds the cache in its pipeline would.
     * Both times are process start to healthy; --aot off measures the plain start only.
     */
    private void startMeasured(ServiceProcess service, String name) throws IOException {
        Path cache = Path.of("bench/target/aot", name + ".aot").toAbsolutePath();
        boolean aot = !"off".equals(options.get("aot"));
        List<String> jvm = new ArrayList<>(jvmOptions(name.replace("-service", "")));
        if (aot) {
            Files.createDirectories(cache.getParent());
            Files.deleteIfExists(cache);
            jvm.add("-XX:AOTCacheOutput=" + cache);
        }
        long started = System.nanoTime();
        service.withJvmOptions(jvm).start();
        rows.put(name + " start-up, no AOT cache (process start to healthy)", ms(System.nanoTime() - started));
        if (!aot) {
            return;
        }
        service.stop(); // the JVM writes the cache as it exits
        jvm.set(jvm.size() - 1, "-XX:AOTCache=" + cache);
        started = System.nanoTime();
        service.withJvmOptions(jvm).start();
        rows.put(name + " start-up with its AOT cache", ms(System.nanoTime() - started));
    }

    /** The services' JVM options, plus any given for profiling (--payment-jvm "-agentpath:..."). */
    private List<String> jvmOptions(String service) {
        List<String> jvm = new ArrayList<>(SERVICE_JVM);
        String extra = options.get(service + "-jvm");
        if (extra != null) {
            jvm.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        return jvm;
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

    /** The pgbench ceiling and what one pgbench transaction cost the machine. */
    private record Ceiling(double tps, String cpuPerTransaction) {
    }

    private Ceiling pgbench(int clients, int seconds) throws Exception {
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
        // The ledger's own statements (payment-service's LedgerScriptTest keeps this file equal to them).
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-M", "prepared", "-f",
                "bench/sql/webhook-transaction.sql", "-c", Integer.toString(clients), "-j",
                Integer.toString(Math.min(clients, 4)), "-T", Integer.toString(seconds)));
        command.addAll(connection);
        command.add(database);
        CpuUse cpu = CpuUse.start(payment.pid(), identity.pid());
        String output = exec(command, env);
        Matcher tps = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)").matcher(output);
        if (!tps.find()) {
            throw new IllegalStateException("pgbench printed no tps:\n" + output);
        }
        double ceiling = Double.parseDouble(tps.group(1));
        return new Ceiling(ceiling, cpu.perEvent(Math.round(ceiling * seconds)).split(" / ")[4]);
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

    /**
     * JIT warm-up, not measured: a long-running service is compiled by the time a burst comes. Load at 32 clients for
     * at least {@code minSeconds}, then rounds of 10 s at each measured client count in turn (their request shapes
     * differ: groups of ~4 events at 8 clients, ~15 at 32) until, in each round of the last turn, each service's JIT
     * compiler threads took at most 3 % of its CPU. identity-service gets one request per ~50 plans, so its request
     * path reaches C2 minutes after payment-service's; a fixed 60 s measured the compiler as much as the services
     * (35 % of identity's CPU in a profile of the 8-client phase).
     */
    private void warmUp(int minSeconds, int maxSeconds, int[] clientCounts) throws Exception {
        long started = System.nanoTime();
        ingest(32, minSeconds, false);
        int seconds = minSeconds;
        List<String> shares = new ArrayList<>();
        boolean settled = false;
        while (!settled && seconds < maxSeconds) {
            settled = true;
            shares.clear();
            for (int clients : clientCounts) {
                JitShare jit = JitShare.start(payment.pid(), identity.pid());
                ingest(clients, 10, false);
                seconds += 10;
                double[] share = jit.shares();
                shares.add(String.format(Locale.ROOT, "%d clients %.0f %% / %.0f %%", clients, 100 * share[0],
                        100 * share[1]));
                settled &= share[0] <= 0.03 && share[1] <= 0.03;
            }
        }
        rows.put("JIT warm-up, not measured: seconds; JIT share of CPU in its last rounds (payment / identity)",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s" + (settled ? "" : " (not settled)")
                        + (shares.isEmpty() ? "" : "; " + String.join(", ", shares)));
    }

    // --- 2. webhook ingest ---

    /** One measured ingest phase. */
    private record Ingest(double rate, Latencies latencies, long errors, String cpuPerEvent, String jitShares,
                          String eventsPerTransaction, String plansPerRequest) {
    }

    /**
     * Rounds of the pgbench ceiling then webhook ingest, back to back, at one client count. On this shared 2-core
     * machine one 10-s phase varies by 10-20 % (CPU steal from other guests reached 24 %), so each round's ingest is
     * set against the ceiling measured just before it, and the median round is reported with the spread.
     */
    private void ceilingAndIngest(int clients, int seconds, int rounds, boolean relay) throws Exception {
        List<Ceiling> ceilings = new ArrayList<>();
        List<Ingest> ingests = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            ceilings.add(pgbench(clients, seconds));
            ingests.add(ingest(clients, seconds, true));
            if (relay) {
                awaitDrained(Duration.ofMinutes(5));
            }
            vacuumIfAutovacuumIsOff();
        }
        List<Integer> byRatio = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            byRatio.add(i);
        }
        byRatio.sort(Comparator.comparingDouble(i -> ingests.get(i).rate() / ceilings.get(i).tps()));
        int median = byRatio.get(rounds / 2);
        Ceiling ceiling = ceilings.get(median);
        Ingest ingest = ingests.get(median);
        String of = rounds == 1 ? "" : " (median of " + rounds + " rounds; each round: pgbench, then ingest)";
        rows.put("pgbench ceiling, " + clients + " clients (tx/s)" + of, String.format(Locale.ROOT, "%.0f", ceiling.tps())
                + spread(ceilings.stream().mapToDouble(Ceiling::tps).toArray(), "%.0f"));
        rows.put("pgbench ceiling, " + clients + " clients: machine CPU ms per transaction", ceiling.cpuPerTransaction());
        rows.put("webhook ingest, " + clients + " clients (accepted/s)", String.format(Locale.ROOT, "%.0f", ingest.rate())
                + spread(ingests.stream().mapToDouble(Ingest::rate).toArray(), "%.0f"));
        rows.put("webhook ingest, " + clients + " clients: share of pgbench ceiling",
                String.format(Locale.ROOT, "%.0f%%", 100 * ingest.rate() / ceiling.tps())
                        + spread(byRatio.stream().mapToDouble(i -> 100 * ingests.get(i).rate() / ceilings.get(i).tps())
                        .toArray(), "%.0f%%"));
        Latencies all = new Latencies();
        ingests.forEach(i -> all.addAll(i.latencies()));
        rows.put("webhook ingest, " + clients + " clients: p50 / p95 / p99 latency (all rounds)",
                all.percentiles() + "; errors " + ingests.stream().mapToLong(Ingest::errors).sum());
        rows.put("webhook ingest, " + clients + " clients: CPU ms per event (payment / identity / postgres / load / machine)",
                ingest.cpuPerEvent());
        rows.put("webhook ingest, " + clients + " clients: JIT compiler share of CPU (payment / identity)",
                ingest.jitShares());
        rows.put("webhook ingest, " + clients + " clients: events per webhook transaction (group commit)",
                ingest.eventsPerTransaction());
        if (relay) {
            rows.put("webhook ingest, " + clients + " clients: plans per relay request", ingest.plansPerRequest());
        }
    }

    /** The rounds' values, sorted, when there is more than one. */
    private static String spread(double[] values, String format) {
        if (values.length < 2) {
            return "";
        }
        return " (rounds: " + Arrays.stream(values).sorted().mapToObj(v -> String.format(Locale.ROOT, format, v))
                .collect(Collectors.joining(" / ")) + ")";
    }

    /** Load at this many clients for this long; @return what was measured, or null when {@code measured} is false */
    private Ingest ingest(int clients, int seconds, boolean measured) throws Exception {
        Latencies latencies = new Latencies();
        AtomicLong errors = new AtomicLong();
        CpuUse cpu = CpuUse.start(payment.pid(), identity.pid());
        JitShare jit = JitShare.start(payment.pid(), identity.pid());
        Instant phaseStart = Instant.now();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        // One platform thread per client, blocking in its socket read as pgbench's clients do: a virtual thread
        // would go through the JDK's poller thread and a carrier on every response, two more wake-ups per request
        // on the two cores the services share.
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        long started = System.nanoTime();
                        int status = sendSucceeded(nextPurchase(), Instant.now().getEpochSecond(), null);
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
        if (!measured) {
            return null;
        }
        String cpuPerEvent = cpu.perEvent(latencies.count());
        double[] compiling = jit.shares();
        String jitShares = String.format(Locale.ROOT, "%.0f %% / %.0f %%", 100 * compiling[0], 100 * compiling[1]);
        String perTransaction = eventsPerTransaction(phaseStart);
        String perRequest = null;
        if (!"off".equals(options.get("relay"))) {
            awaitDrained(Duration.ofMinutes(5));
            perRequest = relayBatchSize(phaseStart);
        }
        return new Ingest(rate, latencies, errors.get(), cpuPerEvent, jitShares, perTransaction, perRequest);
    }

    // --- 3. end-to-end sync latency ---

    private void syncLatency(int rate, int seconds) throws Exception {
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        Instant phaseStart = Instant.now();
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
                    if (sendSucceeded(nextPurchase(), Instant.now().getEpochSecond(), eventId) == 200) {
                        acknowledged.put(eventId, System.currentTimeMillis());
                    } else {
                        errors.incrementAndGet();
                    }
                });
            }
        }
        awaitDrained(Duration.ofMinutes(5));
        rows.put("sync latency at " + rate + " events/s: plans per relay request", relayBatchSize(phaseStart));
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
                        sendSucceeded(nextPurchase(), Instant.now().getEpochSecond(), null);
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

    /**
     * Mean rows per delivered relay round since a time: a round records its rows' attempts in one transaction, so
     * they share attempted_at (the transaction's start).
     */
    /** Events stored since, per transaction: received_at is the transaction's start time, one per transaction. */
    private String eventsPerTransaction(Instant since) throws SQLException {
        return average("select count(*), count(distinct received_at) from stripe_events where received_at >= ?",
                since, "transactions");
    }

    /** Plans delivered since, per relay request: one request's rows share their attempted_at. */
    private String relayBatchSize(Instant since) throws SQLException {
        return average("select count(*), count(distinct attempted_at) from outbox_attempts "
                + "where outcome = 'delivered' and attempted_at >= ?", since, "rounds");
    }

    /** The first count over the second, from a query on payment-service's database of items since a time. */
    private String average(String sql, Instant since, String unit) throws SQLException {
        try (Connection connection = paymentDb.connect();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setTimestamp(1, java.sql.Timestamp.from(since));
            try (ResultSet counts = select.executeQuery()) {
                counts.next();
                long groups = counts.getLong(2);
                return groups == 0 ? "none" : String.format(Locale.ROOT, "%.1f (%d %s)",
                        counts.getLong(1) / (double) groups, groups, unit);
            }
        }
    }

    /**
     * Some servers run with autovacuum off (this project's CI machines do, in conf.d/90-ci.conf). Then the outbox's
     * delivered rows stay in its due index as dead entries that every claim walks past (4.6 ms per claim after 550,000
     * deliveries, 0.12 ms after a VACUUM), and no table is ever analyzed. Between phases, while the system is idle,
     * this does what autovacuum would have done by then, so the phases measure the services rather than a server
     * that never cleans up.
     */
    private void vacuumIfAutovacuumIsOff() throws SQLException {
        try (Connection connection = paymentDb.connect();
             ResultSet setting = connection.createStatement().executeQuery("show autovacuum")) {
            setting.next();
            if (setting.getBoolean(1)) {
                rows.putIfAbsent("PostgreSQL autovacuum", "on");
                return;
            }
        }
        rows.putIfAbsent("PostgreSQL autovacuum",
                "off on this server: VACUUM (ANALYZE) of both services' databases before each measured phase");
        for (TestDatabases.Database db : List.of(paymentDb, identityDb)) {
            try (Connection connection = db.connect(); Statement vacuum = connection.createStatement()) {
                vacuum.execute("vacuum (analyze)");
            }
        }
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

    /**
     * The next purchase: users in turn, each buying pro on even passes over the pool and enterprise on odd ones, so
     * that every event changes a plan (and is synced) however long the run. Passes are minutes apart, so a user's
     * newer purchase always has a later event time.
     */
    private Purchase nextPurchase() {
        long n = nextUser.getAndIncrement();
        boolean even = (n / users.size()) % 2 == 0;
        return new Purchase(users.get((int) (n % users.size())), even ? "pro" : "enterprise", even ? 2900 : 9900);
    }

    private record Purchase(String user, String plan, long amount) {
    }

    private int sendSucceeded(Purchase purchase, long created, String eventId) {
        String id = eventId == null ? "evt_bench_" + UUID.randomUUID() : eventId;
        String payload = StripeWebhooks.paymentIntentSucceeded(id, created, "pi_" + UUID.randomUUID(),
                purchase.user(), purchase.plan(), purchase.amount(), "usd");
        HttpPost post = new HttpPost(payment.url() + "/webhook");
        post.setHeader("Stripe-Signature", StripeWebhooks.sign(payload, SECRET));
        post.setEntity(new StringEntity(payload, ContentType.APPLICATION_JSON));
        try {
            return http.execute(post, response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        } catch (IOException e) {
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

    /**
     * CPU time (user + system, from /proc) spent by payment-service, identity-service, all PostgreSQL processes and
     * the load generator during one phase: where the two cores go.
     */
    private record CpuUse(long paymentPid, long identityPid, long[] before) {
        static CpuUse start(long paymentPid, long identityPid) throws IOException {
            return new CpuUse(paymentPid, identityPid, read(paymentPid, identityPid));
        }

        String perEvent(long events) throws IOException {
            long[] after = read(paymentPid, identityPid);
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < after.length; i++) {
                // /proc counts clock ticks of 10 ms.
                parts.add(String.format(Locale.ROOT, "%.2f", events == 0 ? 0 : (after[i] - before[i]) * 10.0 / events));
            }
            return String.join(" / ", parts);
        }

        private static long[] read(long paymentPid, long identityPid) throws IOException {
            long postgres = 0;
            try (var processes = Files.list(Path.of("/proc"))) {
                for (Path dir : processes.filter(d -> d.getFileName().toString().matches("[0-9]+")).toList()) {
                    try {
                        if (Files.readString(dir.resolve("comm")).trim().equals("postgres")) {
                            postgres += ticks(dir);
                        }
                    } catch (IOException gone) {
                        // A process that ended between listing and reading.
                    }
                }
            }
            String[] machine = Files.readAllLines(Path.of("/proc/stat")).getFirst().split("\\s+");
            long busy = 0;
            for (int field : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += Long.parseLong(machine[field]);
            }
            return new long[] {ticks(Path.of("/proc/" + paymentPid)), ticks(Path.of("/proc/" + identityPid)), postgres,
                    ticks(Path.of("/proc/self")), busy};
        }

        private static long ticks(Path process) throws IOException {
            String stat = Files.readString(process.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
    }

    /**
     * The share of each service's CPU time that its JIT compiler threads took over one period. Compiler threads come
     * and go; one that ends within the period is missed, so the share can only be under-counted by what it did.
     */
    private record JitShare(List<Long> pids, List<Long> processTicks, List<Map<String, Long>> compilerTicks) {
        static JitShare start(long... pids) throws IOException {
            List<Long> processes = new ArrayList<>();
            List<Map<String, Long>> compilers = new ArrayList<>();
            for (long pid : pids) {
                processes.add(CpuUse.ticks(Path.of("/proc/" + pid)));
                compilers.add(compilerThreads(pid));
            }
            return new JitShare(Arrays.stream(pids).boxed().toList(), processes, compilers);
        }

        double[] shares() throws IOException {
            double[] shares = new double[pids.size()];
            for (int i = 0; i < shares.length; i++) {
                long process = CpuUse.ticks(Path.of("/proc/" + pids.get(i))) - processTicks.get(i);
                Map<String, Long> before = compilerTicks.get(i);
                long compiling = 0;
                for (Map.Entry<String, Long> thread : compilerThreads(pids.get(i)).entrySet()) {
                    compiling += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
                }
                shares[i] = process <= 0 ? 0 : compiling / (double) process;
            }
            return shares;
        }

        /** Ticks per thread id of the JIT compiler threads ("C1/C2 CompilerThre..." in /proc). */
        private static Map<String, Long> compilerThreads(long pid) throws IOException {
            Map<String, Long> ticks = new HashMap<>();
            try (var threads = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path thread : threads.toList()) {
                    try {
                        if (Files.readString(thread.resolve("comm")).contains("CompilerThre")) {
                            ticks.put(thread.getFileName().toString(), CpuUse.ticks(thread));
                        }
                    } catch (IOException gone) {
                        // A thread that ended between listing and reading.
                    }
                }
            }
            return ticks;
        }
    }

    /** Latency samples and their percentiles. */
    private static final class Latencies {
        private final List<Long> samples = java.util.Collections.synchronizedList(new ArrayList<>());

        void add(long nanos) {
            samples.add(nanos);
        }

        void addAll(Latencies other) {
            synchronized (other.samples) {
                samples.addAll(other.samples);
            }
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
