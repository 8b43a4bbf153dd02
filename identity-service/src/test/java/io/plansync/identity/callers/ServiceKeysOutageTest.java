package io.plansync.identity.callers;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.Scopes;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.identity.Reply;
import io.plansync.testing.Eventually;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * payment-service's JWKS answers 5xx after identity-service has fetched it once. The keys fetched before keep
 * working; a kid that is not among them cannot be judged, so it gets a retryable 503 (it may be a genuine rotation),
 * also once the refresh rate limit allows no fetch. When the JWKS answers again, an unknown kid is a 401.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceKeysOutageTest implements TestPropertyProvider {
    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(payment.properties(),
                Map.of("identity.service-clients.payment.jwks-refresh-min-interval", "1s"));
    }

    @Test
    void while_the_jwks_fails_known_keys_verify_and_unknown_kids_get_503_until_it_answers_again() {
        UUID user = api.newUser("jwks-outage").id();
        assertThat(api.putPlanAsService(user, change(), payment.token(Scopes.USERS_PLAN_WRITE)).status())
                .isEqualTo(200);

        payment.jwks().answerWith(500);
        int fetchesBefore = payment.jwks().fetches();
        for (int i = 0; i < 5; i++) {
            Reply unknown = api.putPlanAsService(user, change(),
                    payment.tokenWithUnknownKid(Scopes.USERS_PLAN_WRITE));
            // The first tries fetch and fail; the later ones meet the rate limit after a failed fetch: all 503.
            assertThat(unknown.status()).as("unknown kid %d", i).isEqualTo(503);
            assertThat(unknown.code()).isEqualTo("SERVICE_UNAVAILABLE");
            assertThat(unknown.header("Retry-After")).isPresent();
            assertThat(api.putPlanAsService(user, change(), payment.token(Scopes.USERS_PLAN_WRITE)).status())
                    .as("known key %d", i).isEqualTo(200);
        }
        assertThat(payment.jwks().fetches()).isGreaterThan(fetchesBefore);

        payment.jwks().answerWith(0);
        // Once a fetch is allowed again (the rate limit's interval) and succeeds, the kid is known to be unknown.
        Reply unknown = Eventually.await("an unknown kid judged by a fresh key set", Duration.ofSeconds(20),
                () -> api.putPlanAsService(user, change(), payment.tokenWithUnknownKid(Scopes.USERS_PLAN_WRITE)),
                reply -> reply.status() != 503);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
    }

    private static Map<String, Object> change() {
        return Api.planChange("pro", Instant.now().toString());
    }
}
