package io.plansync.payment.paymentmethods;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.plansync.support.keys.KeyRing;
import io.plansync.support.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An operation token verifies only as it was minted: this service's key, ES256, its type, issuer and audience, in time. */
class OperationTokensTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final PaymentMethodProperties PROPERTIES = new PaymentMethodProperties(Duration.ofMinutes(2), 60,
            10, 30);
    private final ECKey key = generate("k1");
    private final UUID user = UUID.randomUUID();

    @Test
    void a_minted_token_grants_its_category_for_its_user_and_customer_until_it_expires() throws Exception {
        OperationTokens tokens = tokens(key, NOW);
        OperationTokens.Minted minted = tokens.mint(user, "cus_1", OperationCategory.DELETE);
        assertThat(minted.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(2)));

        OperationGrant grant = tokens.verify(minted.token());
        assertThat(grant.userId()).isEqualTo(user);
        assertThat(grant.customerId()).isEqualTo("cus_1");
        assertThat(grant.category()).isEqualTo(OperationCategory.DELETE);
        assertThat(tokens.verify(tokens.mint(user, "cus_1", OperationCategory.DELETE).token()).jti())
                .as("each token has an id of its own").isNotEqualTo(grant.jti());
    }

    @Test
    void an_expired_token_is_refused_after_the_clock_skew() throws Exception {
        String token = tokens(key, NOW).mint(user, "cus_1", OperationCategory.READ).token();
        assertThat(tokens(key, NOW.plusSeconds(120 + 29)).verify(token).userId()).isEqualTo(user);
        assertInvalid(() -> tokens(key, NOW.plusSeconds(120 + 31)).verify(token));
    }

    @Test
    void a_token_signed_by_another_key_or_altered_is_refused() throws Exception {
        String foreign = tokens(generate("k1"), NOW).mint(user, "cus_1", OperationCategory.READ).token();
        assertInvalid(() -> tokens(key, NOW).verify(foreign));

        String token = tokens(key, NOW).mint(user, "cus_1", OperationCategory.READ).token();
        String[] parts = token.split("\\.");
        String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("cus_1", "cus_2").getBytes());
        assertInvalid(() -> tokens(key, NOW).verify(parts[0] + "." + payload + "." + parts[2]));
    }

    @Test
    void a_token_of_another_kind_is_refused_even_when_signed_by_this_services_key() throws Exception {
        assertInvalid(() -> tokens(key, NOW).verify(signed(h -> h, c -> c.audience("identity-service"))));
        assertInvalid(() -> tokens(key, NOW).verify(signed(h -> h, c -> c.issuer("plansync-identity"))));
        assertInvalid(() -> tokens(key, NOW).verify(signed(h -> new JWSHeader.Builder(h).type(JOSEObjectType.JWT)
                .build(), c -> c)));
        assertInvalid(() -> tokens(key, NOW).verify(signed(h -> h, c -> c.claim("scope", "payment_methods:all"))));
        assertInvalid(() -> tokens(key, NOW).verify(signed(h -> h, c -> c.claim("cus", null))));
        assertInvalid(() -> tokens(key, NOW).verify(signed(h -> h, c -> c.jwtID(null))));
        assertThat(tokens(key, NOW).verify(signed(h -> h, c -> c)).customerId()).as("the control").isEqualTo("cus_1");
    }

    @Test
    void a_token_living_longer_than_five_minutes_or_issued_in_the_future_is_refused() throws Exception {
        assertInvalid(() -> tokens(key, NOW).verify(signed(h -> h, c -> c.expirationTime(Date.from(NOW.plus(
                Duration.ofMinutes(6)))))));
        assertInvalid(() -> tokens(key, NOW).verify(signed(h -> h, c -> c.issueTime(Date.from(NOW.plusSeconds(60)))
                .expirationTime(Date.from(NOW.plusSeconds(120))))));
    }

    @Test
    void a_token_with_another_algorithm_is_refused() throws Exception {
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(OperationTokens.TYPE)
                .keyID(key.getKeyID()).build(), claims().build());
        hmac.sign(new MACSigner(new byte[32]));
        assertInvalid(() -> tokens(key, NOW).verify(hmac.serialize()));
    }

    @Test
    void a_lifetime_over_five_minutes_stops_the_service_at_start() {
        assertThatThrownBy(() -> new PaymentMethodProperties(Duration.ofMinutes(6), 60, 10, 30))
                .hasMessageContaining("token-lifetime");
        assertThatThrownBy(() -> new PaymentMethodProperties(Duration.ofMinutes(2), 60, 10, 5))
                .hasMessageContaining("changes-limit-per-hour");
    }

    private JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(OperationTokens.ISSUER).audience(OperationTokens.AUDIENCE)
                .subject(user.toString()).claim("cus", "cus_1").claim("scope", "payment_methods:read")
                .issueTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(60)))
                .jwtID(UUID.randomUUID().toString());
    }

    private String signed(UnaryOperator<JWSHeader> header, UnaryOperator<JWTClaimsSet.Builder> change)
            throws Exception {
        SignedJWT jwt = new SignedJWT(header.apply(new JWSHeader.Builder(JWSAlgorithm.ES256).type(OperationTokens.TYPE)
                .keyID(key.getKeyID()).build()), change.apply(claims()).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable verify) {
        assertThatThrownBy(verify).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.status().getCode()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("OPERATION_TOKEN_INVALID");
        });
    }

    private static OperationTokens tokens(ECKey key, Instant now) throws Exception {
        return new OperationTokens(new KeyRing(key, List.of()), PROPERTIES, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static ECKey generate(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
