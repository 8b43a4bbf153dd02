package io.plansync.payment;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.plansync.contracts.UserTokens;
import io.plansync.testing.JwksServer;
import io.plansync.testing.TestKeys;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Stands in for identity-service's token issuing in tests that need only user tokens: a key the test generates,
 * published on a real JWKS endpoint, signing tokens shaped exactly like identity's.
 */
public final class TestUserTokens implements AutoCloseable {
    private final ECKey key = TestKeys.newKey();
    private final JwksServer jwks = new JwksServer(TestKeys.publicJwks(key));

    public String jwksUrl() {
        return jwks.url();
    }

    /** The JWKS endpoint, to stop and start it (identity-service down, restarted). */
    public JwksServer jwks() {
        return jwks;
    }

    public String tokenFor(UUID userId, String... roles) {
        Instant now = Instant.now();
        return TestKeys.sign(key, new JOSEObjectType(UserTokens.TYPE), new JWTClaimsSet.Builder()
                .issuer(UserTokens.DEFAULT_ISSUER)
                .subject(userId.toString())
                .audience(UserTokens.DEFAULT_AUDIENCE)
                .claim(UserTokens.CLAIM_ROLES, roles.length == 0 ? List.of("user") : List.of(roles))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString())
                .build());
    }

    @Override
    public void close() {
        jwks.close();
    }
}
