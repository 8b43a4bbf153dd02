package io.plansync.payment.outbox;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.testing.Eventually;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.RunningIdentity;
import io.plansync.testing.JwksServer;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * identity-service trusts other keys than the ones payment-service signs with (a bad key configuration): the 401
 * needs a human, so the row goes dead at once instead of retrying for days.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefusedServiceTokenTest implements TestPropertyProvider {
    private final StripeStandIn stripe = new StripeStandIn();
    private final JwksServer someoneElsesKeys = new JwksServer(TestKeys.publicJwks(TestKeys.newKey()));
    private final TestDatabases.Database database = TestDatabases.fresh("payments");
    private RunningIdentity identity;

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        identity = new RunningIdentity(someoneElsesKeys.url());
        return PaymentTestProperties.of(database, stripe.url(), identity.url(), identity.jwksUrl(), Map.of());
    }

    @AfterAll
    void stop() {
        identity.close();
        someoneElsesKeys.close();
        stripe.close();
    }

    @Test
    void a_service_token_identity_refuses_sends_the_row_dead_with_the_reason() {
        UUID user = identity.register("misconfigured-" + UUID.randomUUID() + "@example.com");
        String eventId = "evt_" + UUID.randomUUID();
        String payload = StripeWebhooks.paymentIntentSucceeded(eventId, Instant.now().getEpochSecond(),
                "pi_" + UUID.randomUUID(), user.toString(), "pro", 2900, "usd");

        http.toBlocking().exchange(HttpRequest.POST("/webhook", payload).contentType(MediaType.APPLICATION_JSON)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)));

        String[] row = Eventually.await("the row to go dead", Duration.ofSeconds(15), () -> outboxRow(eventId),
                r -> "dead".equals(r[0]));
        assertThat(row[1]).isEqualTo("1");
        assertThat(row[2]).contains("401").contains("AUTH_SERVICE_TOKEN_INVALID");
    }

    private String[] outboxRow(String eventId) {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select state, attempts, last_error from outbox where event_id = ?")) {
            select.setString(1, eventId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? new String[]{rows.getString(1), rows.getString(2), rows.getString(3)}
                        : new String[]{"absent", "0", null};
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
