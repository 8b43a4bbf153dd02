package io.plansync.bench;

import com.nimbusds.jose.jwk.ECKey;
import io.plansync.contracts.OutboxState;
import io.plansync.support.keys.PemKeys;
import io.plansync.testing.ServiceProcess;
import io.plansync.testing.SystemWiring;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;

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
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The system under test: identity-service and payment-service started from their jars as separate processes, each
 * on a fresh database of the shared PostgreSQL, and what the phases ask of it between loads (users, the outbox,
 * vacuum, counts). Closing it stops both services gracefully, so that a profiler attached with --payment-jvm writes
 * its output. Unless --slow-backlog is 0 (or --relay off), payment-service reaches identity-service through a
 * {@link DelayingProxy} for the whole run, so that one phase can slow identity-service down; while identity-service
 * is killed, the proxy refuses connections as identity-service's port would.
 */
final class BenchSystem implements AutoCloseable {
    /**
     * As the Dockerfiles and plansync-local run them: full JIT, serial GC, a heap that starts small and grows only as
     * needed (with -Xms defaulting to the cap, all 192 MB were committed and resident from the start).
     */
    private static final List<String> SERVICE_JVM = List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx192m",
            "-XX:TrimNativeHeapInterval=5000");
    /** With the trim, what keeps glibc's retained native memory small (the Docker images set both). */
    private static final Map<String, String> SERVICE_ENV = Map.of("MALLOC_ARENA_MAX", "2");
    /** What payment-service's relays LISTEN on (OutboxWakeups.CHANNEL). */
    private static final String OUTBOX_CHANNEL = "plansync_outbox";

    private final BenchOptions options;
    private final String webhookSecret = "whsec_bench_" + UUID.randomUUID().toString().replace("-", "");
    private final TestDatabases.Database identityDb = TestDatabases.fresh("bench_identity");
    private final TestDatabases.Database paymentDb = TestDatabases.fresh("bench_payments");
    private final String adminEmail = "admin@bench.test";
    private final String adminPassword = "bench admin " + UUID.randomUUID();
    private final ServiceProcess identity;
    private final ServiceProcess payment;
    /** Signs payment-service's service tokens; the benchmark signs its own calls to identity-service with it too. */
    private final ECKey paymentKey = PemKeys.generate();
    /** Between payment-service and identity-service; null when no phase needs it. */
    private final DelayingProxy identityProxy;

    /** Creates both databases; {@link #start} starts the services. */
    BenchSystem(BenchOptions options) throws IOException {
        this.options = options;
        int identityPort = ServiceProcess.freePort();
        int paymentPort = ServiceProcess.freePort();
        Map<String, String> wires = SystemWiring.onThisMachine(identityPort, identityDb, paymentPort, paymentDb);
        wires.putAll(Map.of("admin.email", adminEmail, "admin.password", adminPassword,
                // Stripe is not called: the load's events stand for PaymentIntents created elsewhere.
                "stripe.url", "http://127.0.0.1:9", "stripe.key", "sk_test_bench",
                "stripe.webhook-secret", webhookSecret));
        Map<String, String> identityEnv = new HashMap<>(SystemWiring.environment("identity", wires));
        identityEnv.putAll(Map.of("IDENTITY_ARGON2_MEMORY_KIB", "1024", "IDENTITY_ARGON2_ITERATIONS", "1",
                "PLANSYNC_KEY_ENCRYPTION_KEY", TestKeys.newKeyEncryptionKey(), "LOG_LEVEL", "WARN"));
        identityEnv.putAll(SERVICE_ENV);
        identity = ServiceProcess.of("identity-service", identityPort, identityEnv);
        identityProxy = options.relay() && options.slowBacklog() > 0 ? new DelayingProxy(identityPort) : null;
        if (identityProxy != null) {
            wires.put("identity.url", identityProxy.url());
        }
        Map<String, String> env = new HashMap<>(SystemWiring.environment("payment", wires));
        env.put("PAYMENT_SERVICE_TOKEN_SIGNING_KEY", PemKeys.toPem(paymentKey));
        env.put("PLANSYNC_OUTBOX_MAX_BACKOFF", options.maxBackoff());
        env.put("PLANSYNC_RECONCILE_ENABLED", "false");
        env.put("PLANSYNC_ACCEPT_EXTERNAL_PAYMENT_INTENTS", "true");
        // --relay off: the webhook path alone, to tell its cost from the relay's and identity-service's.
        env.put("PLANSYNC_OUTBOX_RELAY_ENABLED", Boolean.toString(options.relay()));
        env.put("LOG_LEVEL", "WARN");
        env.putAll(SERVICE_ENV);
        payment = ServiceProcess.of("payment-service", paymentPort, env);
    }

    /** How long one service took to start: without an AOT cache, and with it (null under --aot off). */
    record StartUp(String service, long plainNanos, Long withCacheNanos) {
        void addTo(Table table) {
            table.add(service + " start-up, no AOT cache (process start to healthy)", ms(plainNanos));
            if (withCacheNanos != null) {
                table.add(service + " start-up with its AOT cache", ms(withCacheNanos));
            }
        }

        private static String ms(long nanos) {
            return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
        }
    }

    /** Starts identity-service, then payment-service (it relays to identity). @return their start-up times */
    List<StartUp> start() throws IOException {
        return List.of(startMeasured(identity, "identity-service", options.identityJvm()),
                startMeasured(payment, "payment-service", options.paymentJvm()));
    }

    /**
     * Starts a service twice: once plain, recording a JDK AOT cache (JEP 483/514: classes loaded and linked, method
     * profiles) when it stops, then with that cache, as a deployment that builds the cache in its pipeline would.
     * Both times are process start to healthy; --aot off measures the plain start only.
     */
    private StartUp startMeasured(ServiceProcess service, String name, List<String> extraJvm) throws IOException {
        Path cache = Path.of("bench/target/aot", name + ".aot").toAbsolutePath();
        List<String> jvm = new ArrayList<>(SERVICE_JVM);
        jvm.addAll(extraJvm);
        if (options.aot()) {
            Files.createDirectories(cache.getParent());
            Files.deleteIfExists(cache);
            jvm.add("-XX:AOTCacheOutput=" + cache);
        }
        long started = System.nanoTime();
        service.withJvmOptions(jvm).start();
        long plain = System.nanoTime() - started;
        if (!options.aot()) {
            return new StartUp(name, plain, null);
        }
        service.stop(); // the JVM writes the cache as it exits
        jvm.set(jvm.size() - 1, "-XX:AOTCache=" + cache);
        started = System.nanoTime();
        service.withJvmOptions(jvm).start();
        return new StartUp(name, plain, System.nanoTime() - started);
    }

    String webhookUrl() {
        return payment.url() + "/webhook";
    }

    String webhookSecret() {
        return webhookSecret;
    }

    long paymentPid() {
        return payment.pid();
    }

    long identityPid() {
        return identity.pid();
    }

    /**
     * An outage: kill -9, no graceful shutdown. The proxy, if any, stops listening too, so that payment-service's
     * connections are refused as they would be with no proxy in between.
     */
    void killIdentity() throws IOException {
        if (identityProxy != null) {
            identityProxy.cutOff();
        }
        identity.kill();
    }

    /** Starts identity-service again, with the JVM options it last ran with. */
    void restartIdentity() throws IOException {
        identity.start();
        if (identityProxy != null) {
            identityProxy.reconnect();
        }
    }

    /** payment-service's service-token signing key (private), whose public half identity-service trusts. */
    ECKey paymentKey() {
        return paymentKey;
    }

    /** Between payment-service and identity-service; null under --slow-backlog 0 or --relay off. */
    DelayingProxy identityProxy() {
        return identityProxy;
    }

    TestDatabases.Database identityDb() {
        return identityDb;
    }

    TestDatabases.Database paymentDb() {
        return paymentDb;
    }

    String identityUrl() {
        return identity.url();
    }

    String paymentUrl() {
        return payment.url();
    }

    String adminEmail() {
        return adminEmail;
    }

    String adminPassword() {
        return adminPassword;
    }

    /**
     * Creates users straight in identity-service's database (fast set-up; registration is not what is measured).
     * @return their ids
     */
    List<String> createUsers(int count) throws SQLException {
        List<String> users = new ArrayList<>();
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
        return users;
    }

    /** Waits until no outbox row is pending or retrying. @return how many still are at the deadline */
    long awaitDrained(Duration timeout) throws Exception {
        return awaitDrained(timeout, Long.MAX_VALUE);
    }

    /**
     * Waits until no outbox row up to {@code lastId} (the rows written so far, see {@link #lastOutboxId}) is pending
     * or retrying, whatever is written after it. @return how many still are at the deadline
     */
    long awaitDrained(Duration timeout, long lastId) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        long waiting;
        // One connection, polled often: the end of a drain of a few seconds is read within about 10 ms.
        try (Connection connection = paymentDb.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select count(*) from outbox where state in " + OutboxState.Names.SQL_WAITING + " and id <= ?")) {
            select.setLong(1, lastId);
            do {
                try (ResultSet count = select.executeQuery()) {
                    count.next();
                    waiting = count.getLong(1);
                }
                if (waiting > 0) {
                    Thread.sleep(10);
                }
            } while (waiting > 0 && Instant.now().isBefore(deadline));
        }
        return waiting;
    }

    /** Outbox rows after {@code afterId} (see {@link #lastOutboxId}) that went dead: written, never delivered. */
    long deadAfter(long afterId) throws SQLException {
        try (Connection connection = paymentDb.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select count(*) from outbox where state = ? and id > ?")) {
            select.setString(1, OutboxState.Names.DEAD);
            select.setLong(2, afterId);
            try (ResultSet count = select.executeQuery()) {
                count.next();
                return count.getLong(1);
            }
        }
    }

    /**
     * Some servers run with autovacuum off (this project's CI machines do, in conf.d/90-ci.conf). Then the outbox's
     * delivered rows stay in its due index as dead entries that every claim walks past (4.6 ms per claim after 550,000
     * deliveries, 0.12 ms after a VACUUM), and no table is ever analyzed. Between phases, while the system is idle,
     * this does what autovacuum would have done by then, so the phases measure the services rather than a server
     * that never cleans up.
     *
     * @param others more databases to clean up likewise (the peer's)
     * @return whether the server has autovacuum on (then this did nothing)
     */
    boolean vacuumIfAutovacuumIsOff(TestDatabases.Database... others) throws SQLException {
        try (Connection connection = paymentDb.connect();
             ResultSet setting = connection.createStatement().executeQuery("show autovacuum")) {
            setting.next();
            if (setting.getBoolean(1)) {
                return true;
            }
        }
        List<TestDatabases.Database> all = new ArrayList<>(List.of(paymentDb, identityDb));
        all.addAll(List.of(others));
        for (TestDatabases.Database db : all) {
            try (Connection connection = db.connect(); Statement vacuum = connection.createStatement()) {
                vacuum.execute("vacuum (analyze)");
            }
        }
        return false;
    }

    /** Events stored since, per transaction: received_at is the transaction's start time, one per transaction. */
    String eventsPerTransactionSince(Instant since) throws SQLException {
        return average("select count(*), count(distinct received_at) from stripe_events where received_at >= ?",
                since, "transactions");
    }

    /** Plans delivered since, per relay request: one request's rows share their attempted_at. */
    String plansPerRelayRequestSince(Instant since) throws SQLException {
        return average("select count(*), count(distinct attempted_at) from outbox_attempts "
                + "where outcome = 'delivered' and attempted_at >= ?", since, "rounds");
    }

    /** payment-service's count of rounds run by its surge relay workers so far. */
    double surgeRounds() throws IOException, InterruptedException {
        return paymentMetric("plansync_outbox_surge_rounds_total");
    }

    /** {@link #plansPerRelayRequestSince}, and how many rounds the surge workers ran since the count was {@code before}. */
    String relayRoundsSince(Instant since, double surgeRoundsBefore)
            throws SQLException, IOException, InterruptedException {
        return plansPerRelayRequestSince(since) + String.format(Locale.ROOT, "; surge workers' rounds %.0f",
                surgeRounds() - surgeRoundsBefore);
    }

    /**
     * Makes every waiting outbox row due now and wakes the relays (payment-service's LISTEN channel), as if the
     * retry backoff an outage left had run out: for a phase that times the relay's pace, not the backoff.
     * @return the rows made due
     */
    int makeOutboxDueNow() throws SQLException {
        try (Connection connection = paymentDb.connect(); Statement statement = connection.createStatement()) {
            int due = statement.executeUpdate("update outbox set next_attempt_at = now() where state in "
                    + OutboxState.Names.SQL_WAITING + " and next_attempt_at > now()");
            statement.execute("select pg_notify('" + OUTBOX_CHANNEL + "', '')");
            return due;
        }
    }

    /** The sum over label sets of a metric in payment-service's /prometheus (management port), e.g. a timer's _sum. */
    double paymentMetric(String name) throws IOException, InterruptedException {
        String text;
        try (HttpClient http = HttpClient.newHttpClient()) {
            text = http.send(HttpRequest.newBuilder(URI.create(payment.managementUrl() + "/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The id of the last outbox row written so far (0 when none). */
    long lastOutboxId() throws SQLException {
        try (Connection connection = paymentDb.connect();
             ResultSet id = connection.createStatement().executeQuery("select coalesce(max(id), 0) from outbox")) {
            id.next();
            return id.getLong(1);
        }
    }

    /**
     * Plans the relay delivered since a time, in how many requests, when the first of them was sent, and how many
     * requests failed (their rows retried) in that time.
     */
    record Deliveries(long plans, long requests, Instant first, long failedRequests) {
        double plansPerRequest() {
            return requests == 0 ? 0 : plans / (double) requests;
        }
    }

    /** The relay's deliveries since a time: one request's rows share their attempted_at. */
    Deliveries deliveriesSince(Instant since) throws SQLException {
        try (Connection connection = paymentDb.connect();
             PreparedStatement select = connection.prepareStatement("select count(*) filter (where delivered), "
                     + "count(distinct attempted_at) filter (where delivered), min(attempted_at) filter (where "
                     + "delivered), count(distinct attempted_at) filter (where not delivered) from (select "
                     + "attempted_at, outcome = 'delivered' as delivered from outbox_attempts "
                     + "where attempted_at >= ?) a")) {
            select.setTimestamp(1, Timestamp.from(since));
            try (ResultSet found = select.executeQuery()) {
                found.next();
                Timestamp first = found.getTimestamp(3);
                return new Deliveries(found.getLong(1), found.getLong(2), first == null ? null : first.toInstant(),
                        found.getLong(4));
            }
        }
    }

    /** Outbox rows written since: plan changes, each to be synced. */
    long plansChangedSince(Instant since) throws SQLException {
        try (Connection connection = paymentDb.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select count(*) from outbox where created_at >= ?")) {
            select.setTimestamp(1, Timestamp.from(since));
            try (ResultSet count = select.executeQuery()) {
                count.next();
                return count.getLong(1);
            }
        }
    }

    /** The first count over the second, from a query on payment-service's database of items since a time. */
    private String average(String sql, Instant since, String unit) throws SQLException {
        try (Connection connection = paymentDb.connect();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setTimestamp(1, Timestamp.from(since));
            try (ResultSet counts = select.executeQuery()) {
                counts.next();
                long groups = counts.getLong(2);
                return groups == 0 ? "none" : String.format(Locale.ROOT, "%.1f (%d %s)",
                        counts.getLong(1) / (double) groups, groups, unit);
            }
        }
    }

    /** The row of peak resident memory (VmHWM) of both services. */
    void addPeakMemoryTo(Table table) throws IOException {
        table.add("peak resident memory: identity-service / payment-service",
                ProcessSampling.peakResidentMemory(identity.pid()) + " / "
                        + ProcessSampling.peakResidentMemory(payment.pid()));
    }

    /** Graceful stops (SIGTERM), payment-service first. */
    @Override
    public void close() throws IOException {
        payment.stop();
        identity.stop();
        if (identityProxy != null) {
            identityProxy.close();
        }
    }
}
