package io.plansync.payment.outbox;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.testing.Eventually;
import io.plansync.testing.JwksServer;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A committed plan change wakes the relay at once (one coalesced NOTIFY after the commit), not at its next poll:
 * the poll interval here is far longer than the test may take. A graceful shutdown wakes it the same way, so it
 * stops at once instead of at its next poll.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayWakeUpTest implements TestPropertyProvider {
    private final StripeStandIn stripe = new StripeStandIn();
    private final JwksServer userKeys = new JwksServer(TestKeys.publicJwks(TestKeys.newKey()));
    private final WireMockServer identity = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final TestDatabases.Database database = TestDatabases.fresh("payments");

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    OutboxRelay relay;

    @Override
    public Map<String, String> getProperties() {
        identity.start();
        identity.stubFor(post(urlPathEqualTo("/admin/plan-changes")).willReturn(aResponse().withStatus(503)));
        return PaymentTestProperties.of(database, stripe.url(), identity.baseUrl(), userKeys.url(),
                // One attempt: the refused row goes dead, so nothing is due and the relay waits for the poll.
                Map.of("plansync.outbox.poll-interval", "10m", "plansync.outbox.max-attempts", "1"));
    }

    @AfterAll
    void stop() {
        identity.stop();
        userKeys.close();
        stripe.close();
    }

    @Test
    @Order(1)
    void a_paid_plan_is_sent_to_identity_without_waiting_for_the_poll() {
        String payload = StripeWebhooks.paymentIntentSucceeded("evt_" + UUID.randomUUID(),
                Instant.now().getEpochSecond(), "pi_" + UUID.randomUUID(), UUID.randomUUID().toString(), "pro", 2900,
                "usd");

        http.toBlocking().exchange(HttpRequest.POST("/webhook", payload).contentType(MediaType.APPLICATION_JSON)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)));

        Eventually.await("the relay to send the plan", Duration.ofSeconds(5),
                () -> identity.findAll(postRequestedFor(urlPathEqualTo("/admin/plan-changes"))).size(), n -> n > 0);
    }

    @Test
    @Order(2)
    void a_graceful_shutdown_stops_every_relay_worker_without_waiting_for_the_poll() throws Exception {
        Eventually.await("the refused row to go dead", Duration.ofSeconds(10), this::deadRows, n -> n == 1L);

        relay.shutdownGracefully().toCompletableFuture().get(10, TimeUnit.SECONDS);

        // A worker completes its stop from inside its thread, which ends a moment later: wait for that moment, far
        // shorter than the ten-minute poll a worker that missed the shutdown would sleep through.
        Eventually.await("every relay worker to end", Duration.ofSeconds(2), this::relayWorkersAlive, n -> n == 0L);
    }

    private long relayWorkersAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("outbox-relay-"))
                .count();
    }

    private long deadRows() {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from outbox where state = 'dead'")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
