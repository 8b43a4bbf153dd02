package io.plansync.identity;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.plansync.contracts.ServiceTokens;
import io.plansync.testing.JwksServer;
import io.plansync.testing.TestKeys;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Stands in for payment-service: a signing key the test generates, published on a real JWKS endpoint that
 * identity-service is configured to trust, and service tokens shaped exactly like payment-service's. A test class
 * holds one in a {@code @RegisterExtension} field (with {@code @TestInstance(PER_CLASS)}): the JWKS endpoint closes
 * after the class's tests.
 */
public final class PaymentServiceTokens implements AutoCloseable, AfterAllCallback {
    private final ECKey key = TestKeys.newKey();
    private final JwksServer jwks = new JwksServer(TestKeys.publicJwks(key));

    /** Points identity-service's payment client at this JWKS. */
    public Map<String, String> properties() {
        return Map.of("identity.service-clients.payment.jwks-url", jwks.url());
    }

    public ECKey key() {
        return key;
    }

    public JwksServer jwks() {
        return jwks;
    }

    /** The claims of a good token: every rule holds; tests change one thing to break exactly one rule. */
    public JWTClaimsSet.Builder claims(String scope) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ServiceTokens.CLIENT_PAYMENT_SERVICE)
                .subject(ServiceTokens.CLIENT_PAYMENT_SERVICE)
                .audience(List.of(ServiceTokens.AUDIENCE_IDENTITY))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID(UUID.randomUUID().toString())
                .claim(ServiceTokens.CLAIM_SCOPE, scope);
    }

    public String sign(JWTClaimsSet claims) {
        return sign(key, claims);
    }

    public static String sign(ECKey key, JWTClaimsSet claims) {
        return TestKeys.sign(key, JOSEObjectType.JWT, claims);
    }

    /** A fresh, good token with this scope. */
    public String token(String scope) {
        return sign(claims(scope).build());
    }

    /** A token that is good but for its key: a new one, whose kid the JWKS does not publish. */
    public String tokenWithUnknownKid(String scope) {
        return sign(TestKeys.newKey(), claims(scope).build());
    }

    @Override
    public void close() {
        jwks.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
