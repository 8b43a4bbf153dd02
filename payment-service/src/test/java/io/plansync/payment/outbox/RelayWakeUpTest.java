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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A committed plan change wakes the relay at once (one coalesced NOTIFY after the commit), not at its next poll:
 * the poll interval here is far longer than the test may take.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayWakeUpTest implements TestPropertyProvider {
    private final StripeStandIn stripe = new StripeStandIn();
    private final JwksServer userKeys = new JwksServer(TestKeys.publicJwks(TestKeys.newKey()));
    private final WireMockServer identity = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final TestDatabases.Database database = TestDatabases.fresh("payments");

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        identity.start();
        identity.stubFor(post(urlPathEqualTo("/admin/plan-changes")).willReturn(aResponse().withStatus(503)));
        return PaymentTestProperties.of(database, stripe.url(), identity.baseUrl(), userKeys.url(),
                Map.of("plansync.outbox.poll-interval", "10m"));
    }

    @AfterAll
    void stop() {
        identity.stop();
        userKeys.close();
        stripe.close();
    }

    @Test
    void a_paid_plan_is_sent_to_identity_without_waiting_for_the_poll() {
        String payload = StripeWebhooks.paymentIntentSucceeded("evt_" + UUID.randomUUID(),
                Instant.now().getEpochSecond(), "pi_" + UUID.randomUUID(), UUID.randomUUID().toString(), "pro", 2900,
                "usd");

        http.toBlocking().exchange(HttpRequest.POST("/webhook", payload).contentType(MediaType.APPLICATION_JSON)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)));

        Eventually.await("the relay to send the plan", Duration.ofSeconds(5),
                () -> identity.findAll(postRequestedFor(urlPathEqualTo("/admin/plan-changes"))).size(), n -> n > 0);
    }
}
