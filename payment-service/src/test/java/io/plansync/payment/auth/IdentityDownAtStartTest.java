package io.plansync.payment.auth;

import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.testing.Eventually;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * payment-service starts while identity-service (its JWKS) is down: it starts anyway, answers a retryable 503 to a
 * token it cannot check yet, keeps fetching in the background, and verifies tokens once identity is up.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityDownAtStartTest implements TestPropertyProvider {
    private final TestUserTokens users = new TestUserTokens();

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        users.jwks().stop();
        return PaymentTestProperties.of(TestDatabases.fresh("payments"), "http://127.0.0.1:9", "http://127.0.0.1:9",
                users.jwksUrl(), Map.of(
                        "plansync.outbox.relay-enabled", "false",
                        "plansync.identity.jwks-refresh-min-interval", "200ms"));
    }

    @AfterAll
    void stop() {
        users.close();
    }

    @Test
    void it_starts_without_identity_and_verifies_once_identity_is_up() {
        UserCalls calls = new UserCalls(http);
        String token = users.tokenFor(UUID.randomUUID());

        UserCalls.Answer unchecked = calls.userStatus(token);
        assertThat(unchecked.status()).isEqualTo(503);
        assertThat(unchecked.body()).contains("SERVICE_UNAVAILABLE");
        assertThat(unchecked.retryAfter()).isNotNull();

        users.jwks().start();
        // No request asks for the keys: payment-service keeps trying on its own until it has them.
        Eventually.await("the JWKS fetched in the background", Duration.ofSeconds(20), users.jwks()::fetches,
                n -> n >= 1);
        assertThat(calls.userStatus(token).status()).isEqualTo(200);
    }
}
