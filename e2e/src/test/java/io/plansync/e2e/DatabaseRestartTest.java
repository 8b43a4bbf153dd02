package io.plansync.e2e;

import io.plansync.contracts.OutboxState;
import io.plansync.testing.Eventually;
import io.plansync.testing.StripeWebhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL goes away twice while Stripe's webhooks are flowing, both services on it: first a restart (every
 * connection drops, new ones are refused for a few seconds), then a partition (new connections refused, the open
 * ones go silent for good, nothing is closed). The services recover by themselves: every webhook answered 200 is
 * in the payments database, every paid plan reaches identity-service, and Stripe's redeliveries of the refused ones
 * are accepted once the database is back. The partition is survived only because every query's wait for the
 * server is bounded (pgjdbc's socketTimeout, short here): without it a group-commit transaction or a relay claim
 * would wait on a silent connection for the kernel's TCP timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseRestartTest {
    private static final int USERS = 160;
    private static final int CLIENTS = 8;
    /** Webhooks are first sent over this long, so both outages happen while they flow. */
    private static final Duration LOAD = Duration.ofSeconds(24);
    private static final Duration OUTAGE = Duration.ofSeconds(5);

    // A small pool (the PostgreSQL server is shared; a pool refills after each outage) and a socket timeout short
    // enough for the test (the default is 30 s).
    private final PlanSyncSystem system = new PlanSyncSystem(1, true, Map.of(
            "PAYMENT_DB_POOL_SIZE", "8", "PAYMENT_DB_SOCKET_TIMEOUT", "3",
            "IDENTITY_DB_POOL_SIZE", "6", "IDENTITY_DB_SOCKET_TIMEOUT", "3",
            // The events stand for PaymentIntents created elsewhere (no checkout per event): accepted as such.
            "PLANSYNC_ACCEPT_EXTERNAL_PAYMENT_INTENTS", "true"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Queue<Integer> refusals = new ConcurrentLinkedQueue<>();

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    void after_a_restart_and_a_partition_under_load_every_acknowledged_plan_is_stored_and_reaches_identity()
            throws Exception {
        List<PlanSyncSystem.User> users = system.registerUsers(USERS, CLIENTS);
        long created = Instant.now().getEpochSecond();
        List<Delivery> deliveries = new ArrayList<>();
        for (var user : users) {
            String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
            deliveries.add(new Delivery(eventId, user, StripeWebhooks.paymentIntentSucceeded(eventId, created,
                    "pi_" + UUID.randomUUID(), user.id(), "pro", 2900, "usd")));
        }
        Instant start = Instant.now();
        // Stripe gives up much later; here everything must be acknowledged soon after the database is back.
        Instant deadline = start.plus(LOAD).plus(Duration.ofSeconds(90));
        Duration spacing = LOAD.dividedBy(deliveries.size());
        List<Future<Boolean>> acknowledged = new ArrayList<>();
        try (ExecutorService stripe = Executors.newFixedThreadPool(CLIENTS)) {
            for (int i = 0; i < deliveries.size(); i++) {
                Delivery delivery = deliveries.get(i);
                Instant due = start.plus(spacing.multipliedBy(i));
                acknowledged.add(stripe.submit(() -> {
                    sleepUntil(due);
                    return deliverUntilAcknowledged(delivery, deadline);
                }));
            }
            sleepUntil(start.plus(LOAD.dividedBy(6)));
            system.databaseProxy().cut();
            sleepUntil(start.plus(LOAD.dividedBy(6)).plus(OUTAGE));
            system.databaseProxy().restore();
            sleepUntil(start.plus(LOAD.dividedBy(2)));
            system.databaseProxy().freeze();
            sleepUntil(start.plus(LOAD.dividedBy(2)).plus(OUTAGE));
            system.databaseProxy().restore();
        }

        for (Future<Boolean> answer : acknowledged) {
            assertThat(answer.get()).as("a webhook acknowledged (200) once the database was back").isTrue();
        }
        assertThat(refusals).as("answers while the database was away").allSatisfy(status ->
                assertThat(status).isGreaterThanOrEqualTo(500));
        // Rows are never deleted, so what is stored now was stored when the 200 was sent.
        assertThat(notStored(deliveries.stream().map(Delivery::eventId).toList()))
                .as("acknowledged events without their succeeded payment").isEmpty();
        String admin = system.adminToken();
        for (Delivery delivery : deliveries) {
            Eventually.await("identity to report pro for " + delivery.user().email(), Duration.ofSeconds(30),
                    () -> system.planAtIdentity(delivery.user().id(), admin), "pro"::equals);
        }
        // Recovered without a restart: both processes still run and report ready.
        assertThat(system.identity.isAlive()).isTrue();
        assertThat(system.payment(0).isAlive()).isTrue();
        for (String url : List.of(system.identity.url(), system.payment(0).url())) {
            Eventually.await(url + " ready", Duration.ofSeconds(30), () -> status(url + "/health/readiness"),
                    status -> status == 200);
        }
        assertThat(deadRows()).as("no plan gave up because of the outages").isZero();
    }

    private record Delivery(String eventId, PlanSyncSystem.User user, String payload) {
    }

    /** As Stripe does, but faster: redelivers until the answer is 200 or the deadline passes. */
    private boolean deliverUntilAcknowledged(Delivery delivery, Instant deadline) throws InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create(system.payment(0).url() + "/webhook"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Stripe-Signature", StripeWebhooks.sign(delivery.payload(),
                                PlanSyncSystem.WEBHOOK_SECRET))
                        .POST(HttpRequest.BodyPublishers.ofString(delivery.payload())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return true;
                }
                refusals.add(response.statusCode());
            } catch (IOException e) {
                // no answer: Stripe redelivers
            }
            Thread.sleep(300);
        }
        return false;
    }

    private static void sleepUntil(Instant when) throws InterruptedException {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Events without their stored event and succeeded payment, read straight from PostgreSQL (not the proxy). */
    private List<String> notStored(List<String> eventIds) throws SQLException {
        try (Connection connection = system.paymentDatabase.connect();
             PreparedStatement statement = connection.prepareStatement("select unnest(?::text[]) except "
                     + "select e.event_id from stripe_events e join payments p "
                     + "on p.payment_intent_id = e.payment_intent_id and p.status = 'succeeded'")) {
            statement.setArray(1, connection.createArrayOf("text", eventIds.toArray()));
            List<String> missing = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    missing.add(rows.getString(1));
                }
            }
            return missing;
        }
    }

    private long deadRows() throws SQLException {
        try (Connection connection = system.paymentDatabase.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "select count(*) from outbox where state = '" + OutboxState.Names.DEAD + "'");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
