package io.plansync.identity.callers;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.identity.Reply;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of tokens with unknown kids must not turn identity-service into a JWKS hammer: within the refresh
 * interval only a couple of fetches happen, and known keys keep working from the cache. Nor may the rate limit turn
 * an attacker's token into a retryable 503: the key set fetched within the interval does not have its kid, so it is
 * refused with 401.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwksRefreshRateLimitTest implements TestPropertyProvider {
    private static final int FLOOD = 25;

    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(payment.properties(),
                Map.of("identity.service-clients.payment.jwks-refresh-min-interval", "1m"));
    }

    @Test
    void many_unknown_kids_within_the_interval_cause_at_most_a_couple_of_fetches_and_are_all_refused() {
        UUID user = api.newUser("flood").id();
        assertThat(api.putPlanAsService(user, change(), payment.token("users:plan:write")).status()).isEqualTo(200);
        int fetchesBefore = payment.jwks().fetches();
        assertThat(fetchesBefore).isEqualTo(1);

        for (int i = 0; i < FLOOD; i++) {
            Reply reply = api.putPlanAsService(user, change(), payment.tokenWithUnknownKid("users:plan:write"));
            // The key set was fetched successfully within the interval and lacks the kid, whether or not the rate
            // limit allows another fetch now: an unknown key, never a 503.
            assertThat(reply.status()).as("token %d", i).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
            assertThat(reply.header("WWW-Authenticate")).contains("Bearer error=\"invalid_token\"");
        }

        assertThat(payment.jwks().fetches() - fetchesBefore).isLessThanOrEqualTo(2);
        // The published key still works, from the cache.
        assertThat(api.putPlanAsService(user, change(), payment.token("users:plan:write")).status()).isEqualTo(200);
        assertThat(payment.jwks().fetches() - fetchesBefore).isLessThanOrEqualTo(2);
    }

    private static Map<String, Object> change() {
        return Api.planChange("pro", Instant.now().toString());
    }
}
