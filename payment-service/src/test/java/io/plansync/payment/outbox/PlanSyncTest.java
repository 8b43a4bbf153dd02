package io.plansync.payment.outbox;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path with a real identity-service process: webhook -> one transaction -> outbox -> relay -> identity's
 * plan endpoint with a fresh service token. Nothing is lost when identity is down, refusals go dead, and two relays
 * on one database deliver every row once.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanSyncTest implements TestPropertyProvider {
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
        return properties(paymentPort);
    }

    private Map<String, String> properties(int port) {
        Map<String, String> properties = new HashMap<>(PaymentTestProperties.of(database, stripe.url(),
                identity.url(), identity.jwksUrl(), Map.of()));
        properties.put("micronaut.server.port", Integer.toString(port));
        // Enough attempts to outlast a slow identity restart on a busy machine: no test here wants a row to give up.
        properties.put("plansync.outbox.max-attempts", "10000");
        return properties;
    }

    @BeforeAll
    void logInAsAdmin() {
        adminToken = identity.login(RunningIdentity.ADMIN_EMAIL, RunningIdentity.ADMIN_PASSWORD);
    }

    @AfterAll
    void stop() {
        identity.close();
        stripe.close();
    }

    @Test
    void a_paid_plan_reaches_identity_with_the_event_time() {
        UUID user = identity.register("buyer-" + UUID.randomUUID() + "@example.com");
        String eventId = "evt_" + UUID.randomUUID();

        paid(eventId, user, "pro", Instant.now().getEpochSecond());

        Eventually.await("identity to hold pro", Duration.ofSeconds(15), () -> planAtIdentity(user), "pro"::equals);
        Map<String, Object> row = Eventually.await("the outbox row to be done", Duration.ofSeconds(5),
                () -> outboxRow(eventId), r -> "done".equals(r.get("state")));
        assertThat(row.get("attempts")).isEqualTo(1);
    }

    @Test
    void a_plan_paid_while_identity_is_down_arrives_when_it_is_back() {
        UUID user = identity.register("patient-" + UUID.randomUUID() + "@example.com");
        String eventId = "evt_" + UUID.randomUUID();
        identity.stop();
        try {
            paid(eventId, user, "enterprise", Instant.now().getEpochSecond());

            Map<String, Object> waiting = Eventually.await("a failed attempt", Duration.ofSeconds(15),
                    () -> outboxRow(eventId), r -> ((int) r.get("attempts")) >= 2);
            assertThat(waiting.get("state")).isEqualTo("retrying");
            assertThat((String) waiting.get("last_error")).isEqualTo("identity unreachable: connection refused");
        } finally {
            identity.start();
        }
        adminToken = identity.login(RunningIdentity.ADMIN_EMAIL, RunningIdentity.ADMIN_PASSWORD);

        Eventually.await("identity to hold enterprise", Duration.ofSeconds(20), () -> planAtIdentity(user),
                "enterprise"::equals);
        Eventually.await("the outbox row to be done", Duration.ofSeconds(5), () -> outboxRow(eventId),
                r -> "done".equals(r.get("state")));
    }

    @Test
    void in_one_batch_a_change_for_an_unknown_user_goes_dead_alone_and_the_others_arrive() throws SQLException {
        List<UUID> known = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            known.add(identity.register("batch-" + i + "-" + UUID.randomUUID() + "@example.com"));
        }
        UUID stranger = UUID.randomUUID();
        String batch = "evt_batch_" + UUID.randomUUID() + "_";
        // Due together a moment from now, so that the relay claims them in one round.
        StringBuilder values = new StringBuilder();
        List<UUID> users = new ArrayList<>(known);
        users.add(1, stranger);
        for (int i = 0; i < users.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("('").append(users.get(i)).append("', 'pro', 'active', '")
                    .append(batch).append(i).append("', now(), now() + interval '1 second')");
        }
        execute("insert into outbox (user_id, plan, status, event_id, source_event_at, next_attempt_at) values "
                + values);

        for (UUID user : known) {
            Eventually.await("identity to hold pro", Duration.ofSeconds(15), () -> planAtIdentity(user), "pro"::equals);
        }
        Map<String, Object> dead = Eventually.await("the stranger's row to go dead", Duration.ofSeconds(5),
                () -> outboxRow(batch + 1), r -> "dead".equals(r.get("state")));
        assertThat((String) dead.get("last_error")).contains("404").contains("USER_NOT_FOUND");
        assertThat(query("select count(*) from outbox where event_id like '" + batch + "%' and state = 'done' "
                + "and attempts = 1")).isEqualTo(3L);
        assertThat(query("select count(*) from outbox_attempts a join outbox o on o.id = a.outbox_id "
                + "where o.event_id like '" + batch + "%'")).as("one attempt recorded per row").isEqualTo(4L);
    }

    @Test
    void a_user_identity_does_not_know_goes_dead_at_once_with_the_reason() {
        UUID stranger = UUID.randomUUID();
        String eventId = "evt_" + UUID.randomUUID();

        paid(eventId, stranger, "pro", Instant.now().getEpochSecond());

        Map<String, Object> dead = Eventually.await("the row to go dead", Duration.ofSeconds(15),
                () -> outboxRow(eventId), r -> "dead".equals(r.get("state")));
        assertThat(dead.get("attempts")).isEqualTo(1);
        assertThat((String) dead.get("last_error")).contains("404").contains("USER_NOT_FOUND");
    }

    @Test
    void a_refund_takes_the_plan_back_to_free_at_identity() {
        UUID user = identity.register("refund-" + UUID.randomUUID() + "@example.com");
        long paidAt = Instant.now().getEpochSecond() - 60;
        String paymentIntent = paid("evt_" + UUID.randomUUID(), user, "pro", paidAt);
        Eventually.await("identity to hold pro", Duration.ofSeconds(15), () -> planAtIdentity(user), "pro"::equals);

        webhook(StripeWebhooks.chargeRefunded("evt_" + UUID.randomUUID(), paidAt + 30, paymentIntent, 2900, 2900));

        Eventually.await("identity to hold free", Duration.ofSeconds(15), () -> planAtIdentity(user), "free"::equals);
    }

    @Test
    void two_relays_on_one_database_deliver_every_plan_exactly_once() {
        int users = 60;
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            ids.add(identity.register("crowd-" + i + "-" + UUID.randomUUID() + "@example.com"));
        }
        // A second replica: its own server and relay, the same database.
        try (EmbeddedServer second = ApplicationContext.run(EmbeddedServer.class,
                new HashMap<String, Object>(properties(0)), "test")) {
            HttpClient secondHttp = second.getApplicationContext().createBean(HttpClient.class, second.getURL());
            long now = Instant.now().getEpochSecond();
            for (int i = 0; i < users; i++) {
                String payload = StripeWebhooks.paymentIntentSucceeded("evt_crowd_" + UUID.randomUUID(), now,
                        "pi_" + UUID.randomUUID(), ids.get(i).toString(), "pro", 2900, "usd");
                (i % 2 == 0 ? http : secondHttp).toBlocking().exchange(signed(payload));
            }

            for (UUID id : ids) {
                Eventually.await("identity to hold pro for " + id, Duration.ofSeconds(30), () -> planAtIdentity(id),
                        "pro"::equals);
            }
        }
        assertThat(query("select count(*) from outbox o join outbox_attempts a on a.outbox_id = o.id "
                + "where o.event_id like 'evt_crowd_%'")).isEqualTo((long) users);
        assertThat(query("select count(*) from outbox where event_id like 'evt_crowd_%' and state = 'done'"))
                .isEqualTo((long) users);
    }

    @Test
    void a_row_another_relay_holds_is_left_alone_while_the_rest_are_delivered_and_arrives_once_released()
            throws Exception {
        UUID heldUser = identity.register("held-" + UUID.randomUUID() + "@example.com");
        UUID freeUser = identity.register("free-" + UUID.randomUUID() + "@example.com");
        String heldEvent = "evt_held_" + UUID.randomUUID();
        String freeEvent = "evt_free_" + UUID.randomUUID();
        // Not due yet, so that no relay takes them before the test holds one; the held row comes first in the
        // relay's order (next_attempt_at, id).
        execute("insert into outbox (user_id, plan, status, event_id, source_event_at, next_attempt_at) values "
                + "('" + heldUser + "', 'pro', 'active', '" + heldEvent + "', now(), now() + interval '1 hour'), "
                + "('" + freeUser + "', 'pro', 'active', '" + freeEvent + "', now(), now() + interval '1 hour')");

        // Another replica claims the held row the way the relay does and stays in the middle of its delivery.
        try (Connection otherRelay = database.connect()) {
            otherRelay.setAutoCommit(false);
            // A key-share lock first: it keeps the relay's FOR UPDATE off the row across the (non-key) update that
            // makes both rows due, so there is no moment when the held row is due and free.
            assertThat(lockRow(otherRelay, heldEvent, "for key share")).isTrue();
            execute("update outbox set next_attempt_at = now() where event_id in ('" + heldEvent + "', '"
                    + freeEvent + "')");
            assertThat(lockRow(otherRelay, heldEvent, "for update")).as("the row claimed as the relay does").isTrue();

            // Both are due at the same time: any claim that found the free row found the held one first.
            Eventually.await("identity to hold pro for the free row's user", Duration.ofSeconds(15),
                    () -> planAtIdentity(freeUser), "pro"::equals);
            Eventually.await("the free row to be done", Duration.ofSeconds(5), () -> outboxRow(freeEvent),
                    r -> "done".equals(r.get("state")));

            assertThat(planAtIdentity(heldUser)).as("identity still reports the held row's user's old plan")
                    .isEqualTo("free");
            assertThat(attemptsRecorded(heldEvent)).as("no attempt recorded for the held row").isZero();
            assertThat(outboxRow(heldEvent)).containsEntry("state", "pending").containsEntry("attempts", 0);
        }
        // The other replica died: its transaction ended with its connection and the row is due again.

        Eventually.await("identity to hold pro for the held row's user", Duration.ofSeconds(15),
                () -> planAtIdentity(heldUser), "pro"::equals);
        Map<String, Object> delivered = Eventually.await("the held row to be done", Duration.ofSeconds(5),
                () -> outboxRow(heldEvent), r -> "done".equals(r.get("state")));
        assertThat(delivered.get("attempts")).isEqualTo(1);
        assertThat(attemptsRecorded(heldEvent)).isEqualTo(1);
        assertThat(attemptsRecorded(freeEvent)).isEqualTo(1);
    }

    private static boolean lockRow(Connection connection, String eventId, String lock) throws SQLException {
        try (PreparedStatement claim = connection.prepareStatement(
                "select id from outbox where event_id = ? " + lock)) {
            claim.setString(1, eventId);
            try (ResultSet rows = claim.executeQuery()) {
                return rows.next();
            }
        }
    }

    private long attemptsRecorded(String eventId) {
        return query("select count(*) from outbox_attempts a join outbox o on o.id = a.outbox_id "
                + "where o.event_id = '" + eventId + "'");
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.connect(); var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private String paid(String eventId, UUID user, String plan, long created) {
        String paymentIntent = "pi_" + UUID.randomUUID();
        long amount = "pro".equals(plan) ? 2900 : 9900;
        webhook(StripeWebhooks.paymentIntentSucceeded(eventId, created, paymentIntent, user.toString(), plan, amount,
                "usd"));
        return paymentIntent;
    }

    private void webhook(String payload) {
        var response = http.toBlocking().exchange(signed(payload));
        assertThat(response.getStatus().getCode()).isEqualTo(200);
    }

    private static HttpRequest<String> signed(String payload) {
        return HttpRequest.POST("/webhook", payload).contentType(MediaType.APPLICATION_JSON)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET));
    }

    private String planAtIdentity(UUID user) {
        return (String) identity.user(user, adminToken).get("plan");
    }

    private Map<String, Object> outboxRow(String eventId) {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select state, attempts, last_error from outbox where event_id = ?")) {
            select.setString(1, eventId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Map.of("state", "absent", "attempts", 0);
                }
                Map<String, Object> row = new HashMap<>();
                row.put("state", rows.getString("state"));
                row.put("attempts", rows.getInt("attempts"));
                row.put("last_error", rows.getString("last_error"));
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long query(String sql) {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(sql);
             ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
