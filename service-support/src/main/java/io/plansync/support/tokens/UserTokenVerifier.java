package io.plansync.support.tokens;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.plansync.contracts.UserTokens;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies identity-service user access tokens: ES256 only, {@code typ at+jwt}, a key from the given key source,
 * issuer, audience, expiry, issue time, lifetime and jti. Used by identity-service (its own keys) and
 * payment-service (identity's published JWKS), so both apply exactly the same rules.
 */
public final class UserTokenVerifier {
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final Clock clock;

    public UserTokenVerifier(JWKSource<SecurityContext> keys, String issuer, String audience, Clock clock) {
        this.clock = clock;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(UserTokens.TYPE)));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
        processor.setJWTClaimsSetVerifier(TokenChecks.claimsVerifier(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "iat", "exp", "jti"), clock));
    }

    public VerifiedUserToken verify(String token) throws TokenRejected {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new TokenRejected("malformed");
        }
        if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
            throw new TokenRejected("algorithm");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJOSEException e) {
            throw new TokenRejected(TokenChecks.reason(e));
        } catch (com.nimbusds.jose.JOSEException e) {
            throw TokenRejected.keysUnavailable();
        }
        TokenChecks.checkIssuedAtAndLifetime(claims, UserTokens.MAX_LIFETIME_SECONDS, clock);
        return new VerifiedUserToken(claims.getSubject(), roles(claims), claims.getJWTID(),
                claims.getExpirationTime().toInstant());
    }

    private static Set<String> roles(JWTClaimsSet claims) throws TokenRejected {
        try {
            List<String> roles = claims.getStringListClaim(UserTokens.CLAIM_ROLES);
            return roles == null ? Set.of() : Set.copyOf(new HashSet<>(roles));
        } catch (ParseException e) {
            throw new TokenRejected("roles");
        }
    }

    public record VerifiedUserToken(String subject, Set<String> roles, String jti, Instant expiresAt) {
    }
}
