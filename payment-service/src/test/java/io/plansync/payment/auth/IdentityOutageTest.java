package io.plansync.payment.auth;

import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.support.tokens.RemoteJwks;
import io.plansync.testing.Eventually;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * identity-service goes down (its JWKS with it) while users are buying: payment-service fetched the keys at start,
 * keeps them through the outage, past their cache lifetime and through every failed refresh, so the same token and
 * new tokens of the same key keep working on /user-status and /create-payment-intent.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityOutageTest implements TestPropertyProvider {
    private static final Duration CACHE_TTL = Duration.ofSeconds(2);

    private final StripeStandIn stripe = new StripeStandIn();
    private final TestUserTokens users = new TestUserTokens();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    RemoteJwks identityKeys;

    @Override
    public Map<String, String> getProperties() {
        return PaymentTestProperties.of(TestDatabases.fresh("payments"), stripe.url(), "http://127.0.0.1:9",
                users.jwksUrl(), Map.of(
                        "plansync.outbox.relay-enabled", "false",
                        "plansync.identity.jwks-cache-ttl", CACHE_TTL.toMillis() + "ms",
                        "plansync.identity.jwks-refresh-min-interval", "200ms"));
    }

    @AfterAll
    void stop() {
        users.close();
        stripe.close();
    }

    @Test
    void tokens_keep_verifying_while_identity_is_down() {
        // Fetched at start, before any request needs the keys.
        Eventually.await("the JWKS fetched at start", Duration.ofSeconds(20), users.jwks()::fetches, n -> n >= 1);
        UserCalls calls = new UserCalls(http);
        UUID user = UUID.randomUUID();
        String token = users.tokenFor(user);
        assertThat(calls.userStatus(token).status()).isEqualTo(200);

        users.jwks().stop();
        long failedBefore = identityKeys.failedFetches();
        Instant stopped = Instant.now();
        // Every request verifies until refreshes have failed and twice the cache lifetime has passed: the key set
        // outlived its lifetime on the keys fetched before.
        Eventually.await("failed refreshes over two cache lifetimes", Duration.ofSeconds(60), () -> {
            assertThat(calls.userStatus(token).status()).as("the same token").isEqualTo(200);
            assertThat(calls.userStatus(users.tokenFor(user)).status()).as("a new token").isEqualTo(200);
            return identityKeys.failedFetches() > failedBefore
                    && Duration.between(stopped, Instant.now()).compareTo(CACHE_TTL.multipliedBy(2)) > 0;
        }, done -> done);

        assertThat(calls.createPaymentIntent(users.tokenFor(user)).status()).isEqualTo(200);
        assertThat(calls.userStatus(token).status()).isEqualTo(200);
    }
}
