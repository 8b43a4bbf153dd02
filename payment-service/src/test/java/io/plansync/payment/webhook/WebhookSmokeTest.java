package io.plansync.payment.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.web.router.Router;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.payment.auth.SignatureAuthenticated;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookSmokeTest implements TestPropertyProvider {
    final StripeStandIn stripe = new StripeStandIn();
    final TestUserTokens users = new TestUserTokens();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    MeterRegistry metrics;

    @Inject
    Router router;

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

    @Test
    void the_webhook_answers_by_its_signature_alone_while_user_routes_still_check_tokens() {
        UUID user = UUID.randomUUID();
        String payload = StripeWebhooks.paymentIntentSucceeded("evt_" + UUID.randomUUID(),
                Instant.now().getEpochSecond(), "pi_bearer", user.toString(), "pro", 2900, "usd");
        String forged = forgedUserToken(user);
        double refusedBefore = refusedUserTokens();

        var ack = http.toBlocking().exchange(HttpRequest.POST("/webhook", payload)
                .contentType(MediaType.APPLICATION_JSON).bearerAuth(forged)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)),
                Argument.mapOf(String.class, Object.class));
        double refusedAfterWebhook = refusedUserTokens();
        assertThatThrownBy(() -> http.toBlocking().exchange(HttpRequest.GET("/user-status").bearerAuth(forged)))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(401));

        // The security filter did not run on the webhook (it would have checked and refused the token)...
        assertThat(ack.getStatus().getCode()).isEqualTo(200);
        assertThat(refusedAfterWebhook).isEqualTo(refusedBefore);
        // ...and still runs on every other route.
        assertThat(refusedUserTokens()).isEqualTo(refusedBefore + 1);
    }

    @Test
    void stripes_webhook_is_the_only_route_that_skips_the_security_filter() {
        var marked = router.uriRoutes()
                .filter(route -> route.getAnnotationMetadata().hasDeclaredAnnotation(SignatureAuthenticated.class))
                .map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate())
                .distinct() // the router holds a route once per listener
                .toList();

        assertThat(marked).containsExactly("POST /webhook");
    }

    /** A well-formed token for the user whose signature is another token's: refused by the signature check. */
    private String forgedUserToken(UUID user) {
        String token = users.tokenFor(user);
        String other = users.tokenFor(UUID.randomUUID());
        return token.substring(0, token.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
    }

    private double refusedUserTokens() {
        return metrics.find("plansync.tokens.rejected").tag("kind", "user").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
