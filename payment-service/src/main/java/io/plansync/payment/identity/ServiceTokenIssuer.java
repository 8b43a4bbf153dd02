package io.plansync.payment.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.plansync.contracts.ServiceTokens;
import io.plansync.support.keys.KeyRing;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Signs a fresh, short-lived service token for each call to identity-service. */
@Singleton
public class ServiceTokenIssuer {
    private final KeyRing keys;
    private final ServiceTokenProperties properties;
    private final Clock clock = Clock.systemUTC();

    public ServiceTokenIssuer(KeyRing keys, ServiceTokenProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    public String issue(String scope) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ServiceTokens.CLIENT_PAYMENT_SERVICE)
                .subject(ServiceTokens.CLIENT_PAYMENT_SERVICE)
                .audience(ServiceTokens.AUDIENCE_IDENTITY)
                .claim(ServiceTokens.CLAIM_SCOPE, scope)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(properties.lifetime())))
                .jwtID(UUID.randomUUID().toString())
                .build();
        // The key current now: it changes when the keys rotate.
        var key = keys.signingKey();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .keyID(key.getKeyID())
                .build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign service token", e);
        }
        return jwt.serialize();
    }
}
