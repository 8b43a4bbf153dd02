package io.plansync.e2e;

import io.plansync.support.keys.PemKeys;
import io.plansync.testing.ServiceProcess;
import io.plansync.testing.SqlRows;
import io.plansync.testing.SystemWiring;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import io.plansync.testing.stripe.StripeEmulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole system as it runs in production: identity-service and payment-service started from their jars as
 * separate processes on free ports, each on its own fresh database, with the Stripe stand-in in place of Stripe (or
 * the stateful Stripe emulator, which then delivers its webhooks to the first payment replica).
 * Optionally both reach PostgreSQL through a {@link DatabaseProxy}, so a test can take the database away.
 */
final class PlanSyncSystem implements AutoCloseable {
    static final String WEBHOOK_SECRET = "whsec_e2e_" + UUID.randomUUID().toString().replace("-", "");
    static final String ADMIN_EMAIL = "admin@e2e.test";
    static final String ADMIN_PASSWORD = "e2e admin password";

    final StripeStandIn stripe = new StripeStandIn();
    private final StripeEmulator stripeEmulator;
    final TestDatabases.Database paymentDatabase = TestDatabases.fresh("e2e_payments");
    final TestDatabases.Database identityDatabase = TestDatabases.fresh("e2e_identity");
    private final DatabaseProxy databaseProxy;
    private final Map<String, String> settings;
    // Replicas of payment-service share one configured key, as they would in production.
    private final String paymentKey = PemKeys.toPem(PemKeys.generate());
    private final List<Integer> paymentPorts = new ArrayList<>();
    private final List<ServiceProcess> payments = new ArrayList<>();
    private final int identityPort;
    final ServiceProcess identity;
    final Http http = new Http();

    PlanSyncSystem(int paymentReplicas) {
        this(paymentReplicas, false, Map.of());
    }

    /**
     * @param throughProxy both services reach PostgreSQL through a {@link DatabaseProxy} ({@link #databaseProxy()})
     * @param settings     extra environment of both services (each reads only its own variables)
     */
    PlanSyncSystem(int paymentReplicas, boolean throughProxy, Map<String, String> settings) {
        this(paymentReplicas, throughProxy, settings, null);
    }

    /** @param stripeEmulator Stripe for both services, its webhooks sent to the first payment replica; null: the stand-in */
    PlanSyncSystem(int paymentReplicas, boolean throughProxy, Map<String, String> settings,
                   StripeEmulator stripeEmulator) {
        this.stripeEmulator = stripeEmulator;
        this.databaseProxy = throughProxy ? new DatabaseProxy(paymentDatabase.url()) : null;
        this.settings = Map.copyOf(settings);
        for (int i = 0; i < paymentReplicas; i++) {
            paymentPorts.add(ServiceProcess.freePort());
        }
        identityPort = ServiceProcess.freePort();
        // identity-service reads the service-token keys from the first replica (all replicas share one key).
        Map<String, String> identityEnv = new HashMap<>(SystemWiring.environment("identity",
                wires(paymentPorts.getFirst())));
        identityEnv.putAll(Map.of(
                "IDENTITY_ARGON2_MEMORY_KIB", "1024",
                "IDENTITY_ARGON2_ITERATIONS", "1",
                // Hundreds of users register and log in from 127.0.0.1 within seconds: more than one client
                // address may do in production.
                "IDENTITY_RATE_LIMIT_AUTH_REQUESTS", "100000",
                // No signing key configured, as in production without one: the generated key is stored encrypted.
                "PLANSYNC_KEY_ENCRYPTION_KEY", TestKeys.newKeyEncryptionKey()));
        identityEnv.putAll(this.settings);
        identity = ServiceProcess.of("identity-service", identityPort, identityEnv).start();
        if (stripeEmulator != null) {
            stripeEmulator.setWebhook("http://127.0.0.1:" + paymentPorts.getFirst() + "/webhook", WEBHOOK_SECRET);
        }
        for (int port : paymentPorts) {
            payments.add(paymentOn(port, Map.of()).start());
        }
    }

    private ServiceProcess paymentOn(int port, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(SystemWiring.environment("payment", wires(port)));
        env.put("PAYMENT_SERVICE_TOKEN_SIGNING_KEY", paymentKey);
        env.put("PLANSYNC_OUTBOX_INITIAL_BACKOFF", "200ms");
        env.put("PLANSYNC_OUTBOX_MAX_BACKOFF", "1s");
        env.put("PLANSYNC_OUTBOX_MAX_ATTEMPTS", "1000");
        env.put("PLANSYNC_OUTBOX_POLL_INTERVAL", "1s");
        if (stripeEmulator != null) {
            // Stripe's hosted pages (the emulator's) send the browser back to this replica's billing pages, over http.
            String billing = "http://127.0.0.1:" + port + "/billing";
            env.put("PLANSYNC_CHECKOUT_SUCCESS_URL", billing + "/return");
            env.put("PLANSYNC_CHECKOUT_CANCEL_URL", billing);
            env.put("PLANSYNC_PORTAL_RETURN_URL", billing);
            env.put("PLANSYNC_BILLING_SECURE_COOKIES", "false");
        }
        env.putAll(settings);
        env.putAll(extra);
        return ServiceProcess.of("payment-service", port, env);
    }

    /** dev/wiring's values for this system, with the payment replica on {@code paymentPort}. */
    private Map<String, String> wires(int paymentPort) {
        Map<String, String> wires = SystemWiring.onThisMachine(identityPort, identityDatabase, paymentPort,
                paymentDatabase);
        wires.put("identity.db.url", viaProxy(identityDatabase));
        wires.put("payment.db.url", viaProxy(paymentDatabase));
        wires.putAll(Map.of("admin.email", ADMIN_EMAIL, "admin.password", ADMIN_PASSWORD,
                "stripe.url", stripeEmulator == null ? stripe.url() : stripeEmulator.url(), "stripe.key",
                "sk_test_e2e", "stripe.webhook-secret", WEBHOOK_SECRET));
        return wires;
    }

    private String viaProxy(TestDatabases.Database database) {
        return databaseProxy == null ? database.url() : databaseProxy.urlThrough(database.url());
    }

    DatabaseProxy databaseProxy() {
        return databaseProxy;
    }

    ServiceProcess payment(int replica) {
        return payments.get(replica);
    }

    /** Starts a payment replica again on its port, after a stop or a kill. */
    void restartPayment(int replica) {
        restartPayment(replica, Map.of());
    }

    /** {@link #restartPayment(int)} with these settings on top of the system's. */
    void restartPayment(int replica, Map<String, String> extra) {
        payments.set(replica, paymentOn(paymentPorts.get(replica), extra).start());
    }

    /** The first column of the first row of a query on payment-service's database (a count, say). */
    long paymentCount(String sql, Object... parameters) {
        try (java.sql.Connection connection = paymentDatabase.connect()) {
            return new SqlRows(connection).count(sql, parameters);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers {@code count} users with {@code clients} at once. */
    List<User> registerUsers(int count, int clients) throws Exception {
        List<java.util.concurrent.Future<User>> registered = new ArrayList<>();
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < count; i++) {
                registered.add(pool.submit(this::newUser));
            }
        }
        List<User> users = new ArrayList<>();
        for (java.util.concurrent.Future<User> user : registered) {
            users.add(user.get());
        }
        return users;
    }

    // --- the calls a client, Stripe and an operator make, over HTTP only ---

    record User(String id, String email, String token) {
    }

    User newUser() {
        String email = "user-" + UUID.randomUUID() + "@e2e.test";
        String password = "a long enough password";
        var registered = http.call("POST", identity.url() + "/auth/register", null,
                Map.of("email", email, "password", password), 201);
        var login = http.call("POST", identity.url() + "/auth/login", null,
                Map.of("email", email, "password", password), 200);
        return new User(registered.get("id").getAsString(), email, login.get("access_token").getAsString());
    }

    String adminToken() {
        return http.call("POST", identity.url() + "/auth/login", null,
                Map.of("email", ADMIN_EMAIL, "password", ADMIN_PASSWORD), 200).get("access_token").getAsString();
    }

    String planAtIdentity(String userId, String adminToken) {
        return http.call("GET", identity.url() + "/admin/users/" + userId, adminToken, null, 200)
                .get("plan").getAsString();
    }

    String buy(User user, String plan, int replica) {
        return http.call("POST", payment(replica).url() + "/create-payment-intent", user.token(),
                Map.of("planType", plan), 200).get("paymentIntentId").getAsString();
    }

    int deliverSucceeded(String userId, String paymentIntent, String plan, long amount, long created, int replica) {
        return webhook(StripeWebhooks.paymentIntentSucceeded("evt_" + UUID.randomUUID(), created, paymentIntent,
                userId, plan, amount, "usd"), replica);
    }

    int webhook(String payload, int replica) {
        return http.post(payment(replica).url() + "/webhook", payload,
                Map.of("Stripe-Signature", StripeWebhooks.sign(payload, WEBHOOK_SECRET)));
    }

    @Override
    public void close() {
        payments.forEach(ServiceProcess::kill);
        identity.kill();
        stripe.close();
        if (databaseProxy != null) {
            databaseProxy.close();
        }
    }
}
