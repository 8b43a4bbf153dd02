package io.plansync.identity.callers;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.Scopes;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.testing.ServiceProcess;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When payment-service's keys cannot be fetched, nothing is known about a service token: identity-service answers a
 * retryable 503, never the 401 that would send the sync to the dead letters for good.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceKeysUnavailableTest implements TestPropertyProvider {
    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        // A JWKS address where nothing listens: payment-service is down or unreachable.
        return IdentityTestProperties.freshDatabase(Map.of(
                "identity.service-clients.payment.jwks-url",
                "http://127.0.0.1:" + ServiceProcess.freePort() + "/.well-known/jwks.json"));
    }

    @Test
    void a_service_token_that_cannot_be_checked_gets_a_retryable_503() {
        UUID user = api.newUser("keys-unavailable").id();

        var reply = api.putPlanAsService(user, Api.planChange("pro", "2026-01-01T00:00:00Z"),
                payment.token(Scopes.USERS_PLAN_WRITE));

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.code()).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(reply.header("Retry-After")).contains("5");
    }
}
