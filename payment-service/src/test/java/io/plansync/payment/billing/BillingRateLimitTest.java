package io.plansync.payment.billing;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentFixture;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The billing pages' per-address limit: X-RateLimit-* on every answer, 429 with Retry-After and resetAt beyond it;
 * behind a trusted proxy each browser's forwarded address has its own.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BillingRateLimitTest implements TestPropertyProvider {
    private static final int LIMIT = 5;

    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final HttpClient http = HttpClient.newHttpClient();

    @Inject
    EmbeddedServer server;

    @Inject
    BillingRateLimits limits;

    @Override
    public Map<String, String> getProperties() {
        return fixture.properties(Map.of("plansync.outbox.relay-enabled", "false",
                "plansync.billing.address-requests-per-minute", Integer.toString(LIMIT),
                "plansync.billing.trusted-proxies", "127.0.0.1"));
    }

    @Test
    void an_address_gets_its_limit_with_the_count_in_headers_then_429_with_retry_after() throws Exception {
        for (int i = 1; i <= LIMIT; i++) {
            HttpResponse<String> page = get("/billing/sign-in");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("X-RateLimit-Limit")).hasValue(Integer.toString(LIMIT));
            assertThat(page.headers().firstValue("X-RateLimit-Remaining")).hasValue(Integer.toString(LIMIT - i));
            assertThat(page.headers().firstValue("X-RateLimit-Reset")).isPresent();
        }
        assertThat(get("/billing/assets/billing.js").statusCode()).as("the script is not counted").isEqualTo(200);

        HttpResponse<String> refused = get("/billing");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("\"code\":\"RATE_LIMITED\"").containsPattern("\"resetAt\":\"20\\d\\d-");
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(s ->
                assertThat(Integer.parseInt(s)).isBetween(1, 60));
        assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(get("/plans").statusCode()).as("the API outside /billing is not this limit's").isEqualTo(200);
    }

    @Test
    void behind_a_trusted_proxy_each_forwarded_browser_has_its_own_limit() throws Exception {
        for (int i = 0; i < LIMIT; i++) {
            assertThat(get("/billing/sign-in", "198.51.100.7").statusCode()).isEqualTo(200);
        }
        assertThat(get("/billing/sign-in", "198.51.100.7").statusCode()).isEqualTo(429);
        assertThat(get("/billing/sign-in", "198.51.100.8").statusCode()).as("another browser").isEqualTo(200);
        assertThat(get("/billing/sign-in", "198.51.100.7, 127.0.0.1").statusCode())
                .as("the same browser through two proxies").isEqualTo(429);
    }

    @Test
    void purchases_and_portal_openings_are_counted_per_account_whatever_the_address() {
        java.util.UUID one = java.util.UUID.randomUUID();
        java.util.UUID other = java.util.UUID.randomUUID();
        for (int i = 0; i < 20; i++) {
            assertThat(limits.takeForAccount(one).allowed()).isTrue();
        }
        var refused = limits.takeForAccount(one);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal("x").headers()).containsKey("Retry-After").containsEntry("X-RateLimit-Limit", "20");
        assertThat(limits.takeForAccount(other).allowed()).as("another account has its own").isTrue();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String forwardedFor) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("X-Forwarded-For", forwardedFor).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
