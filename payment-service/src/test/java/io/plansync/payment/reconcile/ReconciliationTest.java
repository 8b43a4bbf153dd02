package io.plansync.payment.reconcile;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.testing.Eventually;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.RunningIdentity;
import io.plansync.testing.ServiceProcess;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The system finds drift by itself: a lost sync heals, and a Stripe event the webhook never got is recovered. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconciliationTest implements TestPropertyProvider {
    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);

    private final int paymentPort = ServiceProcess.freePort();
    private final StripeStandIn stripe = new StripeStandIn();
    private final TestDatabases.Database database = TestDatabases.fresh("payments");
    private RunningIdentity identity;
    private String adminToken;

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        identity = new RunningIdentity("http://127.0.0.1:" + paymentPort + "/.well-known/jwks.json");
        Map<String, String> properties = new HashMap<>(PaymentTestProperties.of(database, stripe.url(),
                identity.url(), identity.jwksUrl(), Map.of()));
        properties.put("micronaut.server.port", Integer.toString(paymentPort));
        return properties;
    }

    @BeforeAll
    void logIn() {
        adminToken = identity.login(RunningIdentity.ADMIN_EMAIL, RunningIdentity.ADMIN_PASSWORD);
    }

    @AfterAll
    void stop() {
        identity.close();
        stripe.close();
    }

    @Test
    void a_plan_identity_never_received_is_found_and_healed() throws SQLException {
        UUID user = identity.register("lost-" + UUID.randomUUID() + "@example.com");
        // A paid plan whose sync was lost: payment-service holds pro, identity still free, nothing in flight.
        execute("insert into user_plans (user_id, plan, status, source_event_id, source_event_at) values ('"
                + user + "', 'pro', 'active', 'evt_lost', now() - interval '1 hour')");

        var dryRun = reconcile(true);
        assertThat(((Number) dryRun.get("drifted")).intValue()).isGreaterThanOrEqualTo(1);
        assertThat(dryRun.get("enqueued")).isEqualTo(0);
        assertThat(count("select count(*) from outbox where user_id = '" + user + "'")).isZero();

        var healed = reconcile(false);
        assertThat(((Number) healed.get("enqueued")).intValue()).isGreaterThanOrEqualTo(1);
        Eventually.await("identity to hold pro", Duration.ofSeconds(15),
                () -> identity.user(user, adminToken).get("plan"), "pro"::equals);

        var after = reconcile(true);
        assertThat(after.get("drifted")).as("nothing left to heal").isEqualTo(0);
        assertThat(count("select count(*) from reconciliation_runs")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void a_succeeded_payment_the_webhook_never_delivered_is_recovered_from_stripe() throws SQLException {
        UUID user = identity.register("missed-" + UUID.randomUUID() + "@example.com");
        String eventId = "evt_missed_" + UUID.randomUUID();
        stripe.serveEvents(StripeWebhooks.paymentIntentSucceeded(eventId, Instant.now().getEpochSecond() - 600,
                "pi_" + UUID.randomUUID(), user.toString(), "enterprise", 9900, "usd"));

        var report = reconcile(false);

        assertThat(((Number) report.get("stripeEventsRecovered")).intValue()).isEqualTo(1);
        assertThat(report.get("stripeFailed")).isEqualTo(false);
        assertThat(count("select count(*) from stripe_events where event_id = '" + eventId + "' and outcome = 'accepted'"))
                .isEqualTo(1);
        Eventually.await("identity to hold enterprise", Duration.ofSeconds(15),
                () -> identity.user(user, adminToken).get("plan"), "enterprise"::equals);
        assertThat(java.net.URLDecoder.decode(stripe.eventListRequests().getLast().getUrl(),
                java.nio.charset.StandardCharsets.UTF_8)).as("asks for every money event type")
                .contains("payment_intent.succeeded", "charge.refunded", "charge.dispute.created",
                        "charge.dispute.closed");

        assertThat(reconcile(false).get("stripeEventsRecovered")).as("received now: not again").isEqualTo(0);
    }

    @Test
    void a_refund_and_a_dispute_the_webhook_never_delivered_are_recovered_whatever_their_order()
            throws SQLException {
        UUID refunded = identity.register("missed-refund-" + UUID.randomUUID() + "@example.com");
        UUID disputed = identity.register("missed-dispute-" + UUID.randomUUID() + "@example.com");
        long paidAt = Instant.now().getEpochSecond() - 900;
        String refundedPayment = "pi_" + UUID.randomUUID();
        String disputedPayment = "pi_" + UUID.randomUUID();
        // Stripe lists the newest first: the refund and the dispute come before the payments they undo.
        stripe.serveEvents(
                StripeWebhooks.chargeRefunded("evt_missed_" + UUID.randomUUID(), paidAt + 300, refundedPayment, 2900,
                        2900),
                StripeWebhooks.disputeCreated("evt_missed_" + UUID.randomUUID(), paidAt + 200, disputedPayment,
                        2900),
                StripeWebhooks.paymentIntentSucceeded("evt_missed_" + UUID.randomUUID(), paidAt, refundedPayment,
                        refunded.toString(), "pro", 2900, "usd"),
                StripeWebhooks.paymentIntentSucceeded("evt_missed_" + UUID.randomUUID(), paidAt, disputedPayment,
                        disputed.toString(), "pro", 2900, "usd"));

        var report = reconcile(false);

        assertThat(((Number) report.get("stripeEventsRecovered")).intValue()).isEqualTo(4);
        assertThat(count("select count(*) from payments where payment_intent_id = '" + refundedPayment
                + "' and status = 'refunded'")).isEqualTo(1);
        assertThat(count("select count(*) from user_plans where user_id in ('" + refunded + "', '" + disputed
                + "') and plan = 'pro'")).as("neither refunded nor disputed payment grants pro").isZero();
        assertThat(count("select count(*) from payments where payment_intent_id = '" + disputedPayment
                + "' and status = 'disputed'")).isEqualTo(1);
        Eventually.await("every sync of both users delivered", Duration.ofSeconds(15),
                () -> countQuietly("select count(*) from outbox where state <> 'done' and user_id in ('" + refunded
                        + "', '" + disputed + "')"), waiting -> waiting == 0);
        assertThat(identity.user(refunded, adminToken).get("plan")).isEqualTo("free");
        assertThat(identity.user(disputed, adminToken).get("plan")).isEqualTo("free");
    }

    @Test
    void a_run_is_a_job_to_follow_and_keeps_each_drift_with_both_sides_and_its_repair() throws SQLException {
        UUID drifted = identity.register("job-" + UUID.randomUUID() + "@example.com");
        UUID unknown = UUID.randomUUID();
        execute("insert into user_plans (user_id, plan, status, source_event_id, source_event_at) values ('"
                + drifted + "', 'enterprise', 'active', 'evt_job', now() - interval '1 hour'), ('" + unknown
                + "', 'pro', 'active', 'evt_unknown', now() - interval '1 hour')");

        var started = http.toBlocking().exchange(HttpRequest.POST("/admin/reconciliations?dryRun=false", "")
                .bearerAuth(adminToken), JSON);
        assertThat(started.code()).isEqualTo(202);
        long id = ((Number) started.body().get("id")).longValue();
        assertThat(started.body()).containsEntry("dryRun", false).containsKey("usersTotal");

        var done = Eventually.await("run " + id + " to finish", Duration.ofSeconds(30),
                () -> http.toBlocking().retrieve(HttpRequest.GET("/admin/reconciliations/" + id)
                        .bearerAuth(adminToken), JSON), run -> !"running".equals(run.get("state")));
        assertThat(done).containsEntry("state", "done").containsEntry("phase", "finished");
        assertThat(((Number) done.get("checked")).intValue()).isGreaterThanOrEqualTo(2);
        assertThat(http.toBlocking().retrieve(HttpRequest.GET("/admin/reconciliations/latest")
                .bearerAuth(adminToken), JSON).get("id")).isEqualTo(done.get("id"));

        Map<String, Object> page = http.toBlocking().retrieve(HttpRequest.GET("/admin/reconciliations/" + id
                + "/drifts?limit=1000").bearerAuth(adminToken), JSON);
        @SuppressWarnings("unchecked")
        var drifts = (java.util.List<Map<String, Object>>) page.get("drifts");
        assertThat(drifts).anySatisfy(d -> assertThat(d).containsEntry("userId", drifted.toString())
                .containsEntry("reason", "identity_differs").containsEntry("paymentSide", "enterprise/active")
                .containsEntry("identitySide", "free/active").containsEntry("repair", "outbox row queued"));
        assertThat(drifts).anySatisfy(d -> assertThat(d).containsEntry("userId", unknown.toString())
                .containsEntry("reason", "unknown_at_identity").containsEntry("repair", null));
        assertThat(count("select count(*) from outbox where user_id = '" + unknown + "'"))
                .as("a user identity does not know is reported, not resent").isZero();
        Eventually.await("identity to hold enterprise", Duration.ofSeconds(15),
                () -> identity.user(drifted, adminToken).get("plan"), "enterprise"::equals);
        execute("delete from user_plans where user_id = '" + unknown + "'");
    }

    @Test
    void an_unknown_run_is_404_and_a_page_size_out_of_range_is_400() {
        var missing = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().retrieve(
                HttpRequest.GET("/admin/reconciliations/999999").bearerAuth(adminToken), JSON));
        assertThat(missing.getStatus().getCode()).isEqualTo(404);
        var tooMany = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().retrieve(
                HttpRequest.GET("/admin/reconciliations/1/drifts?limit=5000").bearerAuth(adminToken), JSON));
        assertThat(tooMany.getStatus().getCode()).isEqualTo(400);
    }

    @Test
    void a_report_says_when_stripe_could_not_be_asked() {
        stripe.failEverything();
        try {
            assertThat(reconcile(true).get("stripeFailed")).isEqualTo(true);
        } finally {
            stripe.answerNormally();
        }
    }

    @Test
    void only_one_replica_reconciles_at_a_time() throws SQLException {
        try (Connection otherReplica = database.connect();
             PreparedStatement lock = otherReplica.prepareStatement(
                     "select pg_advisory_lock(" + Reconcile.LOCK_KEY + ")")) {
            lock.execute();

            var refused = assertThrows(HttpClientResponseException.class, () -> reconcile(true));

            assertThat(refused.getStatus().getCode()).isEqualTo(409);
            otherReplica.createStatement().execute("select pg_advisory_unlock(" + Reconcile.LOCK_KEY + ")");
        }
        assertThat(reconcile(true)).containsKey("checked");
    }

    private Map<String, Object> reconcile(boolean dryRun) {
        return http.toBlocking().retrieve(HttpRequest.POST("/admin/reconcile?dryRun=" + dryRun, "")
                .bearerAuth(adminToken), JSON);
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.connect()) {
            connection.createStatement().execute(sql);
        }
    }

    private long countQuietly(String sql) {
        try {
            return count(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.connect(); ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
