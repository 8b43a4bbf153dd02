package io.plansync.identity.callers;

import com.nimbusds.jose.jwk.ECKey;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.identity.Reply;
import io.plansync.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * payment-service rotates its key: a token with the new kid makes identity-service fetch the JWKS again, at once,
 * even though the keys were fetched moments ago (the refresh interval here is a minute).
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceKeyRotationTest implements TestPropertyProvider {
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
    void a_token_signed_with_a_newly_published_key_is_accepted_after_one_refresh() {
        assertThat(api.putPlanAsService(api.newUser("before").id(), change(), payment.token("users:plan:write"))
                .status()).isEqualTo(200);
        int fetchesBefore = payment.jwks().fetches();
        assertThat(fetchesBefore).isEqualTo(1);

        ECKey rotated = TestKeys.newKey();
        payment.jwks().publish(TestKeys.publicJwks(rotated));
        Reply reply = api.putPlanAsService(api.newUser("after").id(), change(),
                PaymentServiceTokens.sign(rotated, payment.claims("users:plan:write").build()));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(payment.jwks().fetches()).isEqualTo(fetchesBefore + 1);
    }

    private static Map<String, Object> change() {
        return Api.planChange("pro", Instant.now().toString());
    }
}
