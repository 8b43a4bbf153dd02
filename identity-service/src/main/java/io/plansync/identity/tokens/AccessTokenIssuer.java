package io.plansync.identity.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.plansync.contracts.UserTokens;
import io.plansync.support.keys.KeyRing;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Signs user access tokens (RFC 9068 shaped, ES256). */
@Singleton
public class AccessTokenIssuer {
    private final KeyRing keyRing;
    private final TokenProperties properties;
    private final Clock clock;

    public AccessTokenIssuer(KeyRing keyRing, TokenProperties properties, Clock clock) {
        this.keyRing = keyRing;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * @param plan        the plan the user holds now: an application may authorise from the token alone, knowing
     *                    its claims are as old as the token (at most the access-token lifetime)
     * @param entitlements the features of that plan
     * @param planVersion grows with every plan change applied to the user
     */
    public AccessToken issue(UUID userId, List<String> roles, String plan, List<String> entitlements,
                             long planVersion) {
        Instant now = clock.instant();
        Instant expires = now.plus(properties.accessTokenTtl());
        // The key current now: it changes when the keys rotate.
        ECKey key = keyRing.signingKey();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(properties.issuer())
                .subject(userId.toString())
                .audience(properties.audience())
                .claim(UserTokens.CLAIM_ROLES, roles)
                .claim(UserTokens.CLAIM_PLAN, plan)
                .claim(UserTokens.CLAIM_PLAN_VERSION, planVersion)
                .claim(UserTokens.CLAIM_ENTITLEMENTS, entitlements)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString())
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType(UserTokens.TYPE))
                .keyID(key.getKeyID())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign access token", e);
        }
        return new AccessToken(jwt.serialize(), properties.accessTokenTtl().toSeconds());
    }

    public record AccessToken(String value, long expiresInSeconds) {
        /** Never the token. */
        @Override
        public String toString() {
            return "AccessToken[value=***, expiresInSeconds=" + expiresInSeconds + "]";
        }
    }
}
