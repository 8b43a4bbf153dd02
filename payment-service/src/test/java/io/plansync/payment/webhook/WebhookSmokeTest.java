package io.plansync.payment.webhook;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookSmokeTest implements TestPropertyProvider {
    final StripeStandIn stripe = new StripeStandIn();
    final TestUserTokens users = new TestUserTokens();

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return PaymentTestProperties.of(TestDatabases.fresh("payments"), stripe.url(), "http://127.0.0.1:9",
                users.jwksUrl(), Map.of("plansync.outbox.relay-enabled", "false"));
    }

    @AfterAll
    void stop() {
        stripe.close();
        users.close();
    }

    @Test
    void a_signed_succeeded_event_sets_the_plan_and_queues_it_for_identity() {
        UUID user = UUID.randomUUID();
        String payload = StripeWebhooks.paymentIntentSucceeded("evt_" + UUID.randomUUID(),
                Instant.now().getEpochSecond(), "pi_smoke", user.toString(), "pro", 2900, "usd");

        var ack = http.toBlocking().exchange(HttpRequest.POST("/webhook", payload)
                .contentType(MediaType.APPLICATION_JSON)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)),
                Argument.mapOf(String.class, Object.class));
        var status = http.toBlocking().retrieve(HttpRequest.GET("/user-status")
                .bearerAuth(users.tokenFor(user)), Argument.mapOf(String.class, Object.class));

        assertThat(ack.getStatus().getCode()).isEqualTo(200);
        assertThat(status).containsEntry("plan", "pro").containsEntry("status", "active");
        assertThat(((Map<?, ?>) status.get("sync")).get("state")).isEqualTo("pending");
    }
}
