package io.plansync.payment.paymentmethods;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.keys.KeyRing;
import io.plansync.support.problem.ProblemException;
import io.plansync.support.tokens.TokenChecks;
import io.plansync.support.tokens.TokenRejected;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Signs and verifies the billing pages' operation tokens: an ES256 JWT for one {@link OperationCategory}, bound to
 * one user ({@code sub}) and their Stripe customer ({@code cus}), with a unique id, living at most five minutes. Signed
 * with payment-service's own key ring (shared by its replicas, published in its JWKS) under a type and audience of
 * their own, so that neither a service token nor a user token passes as one, nor the reverse.
 */
@Singleton
public class OperationTokens {
    static final JOSEObjectType TYPE = new JOSEObjectType("plansync-op+jwt");
    static final String ISSUER = "plansync-payment";
    static final String AUDIENCE = "plansync-billing-operations";
    static final String CLAIM_CUSTOMER = "cus";
    static final String CLAIM_CATEGORY = "scope";
    private static final Logger LOG = LoggerFactory.getLogger(OperationTokens.class);

    private final KeyRing keys;
    private final PaymentMethodProperties properties;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor;

    public OperationTokens(KeyRing keys, PaymentMethodProperties properties) throws JOSEException {
        this(keys, properties, Clock.systemUTC());
    }

    OperationTokens(KeyRing keys, PaymentMethodProperties properties, Clock clock) throws JOSEException {
        this.keys = keys;
        this.properties = properties;
        this.clock = clock;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys.verificationKeys()));
        processor.setJWTClaimsSetVerifier(TokenChecks.claimsVerifier(AUDIENCE,
                new JWTClaimsSet.Builder().issuer(ISSUER).build(),
                Set.of("sub", "iat", "exp", "jti", CLAIM_CUSTOMER, CLAIM_CATEGORY), clock));
    }

    /** A token, and when it expires. */
    public record Minted(String token, OperationCategory category, Instant expiresAt) {
    }

    public Minted mint(UUID userId, String customerId, OperationCategory category) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(properties.tokenLifetime());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(userId.toString())
                .claim(CLAIM_CUSTOMER, customerId)
                .claim(CLAIM_CATEGORY, category.wire())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .build();
        // The key current now: it changes when the keys rotate.
        var key = keys.signingKey();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE)
                .keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an operation token", e);
        }
        return new Minted(jwt.serialize(), category, expiresAt);
    }

    /**
     * The grant of a token whose signature, algorithm, type, issuer, audience, times and lifetime all check out;
     * otherwise 401 {@code OPERATION_TOKEN_INVALID}. Whether it covers an operation, and whether it was used before,
     * is decided by the caller ({@link OperationGrant#refusalFor}, {@link OperationTokenUses}).
     */
    public OperationGrant verify(@Nullable String token) {
        if (token == null || token.isBlank()) {
            throw invalid("missing");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token.trim());
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
                throw new TokenRejected("algorithm");
            }
            JWTClaimsSet claims = processor.process(jwt, null);
            TokenChecks.checkIssuedAtAndLifetime(claims, PaymentMethodProperties.MAX_TOKEN_LIFETIME.toSeconds(),
                    clock);
            Optional<OperationCategory> category = OperationCategory.fromWire(claims.getStringClaim(CLAIM_CATEGORY));
            String customer = claims.getStringClaim(CLAIM_CUSTOMER);
            if (category.isEmpty() || customer == null || customer.isBlank()) {
                throw new TokenRejected("claims");
            }
            return new OperationGrant(UUID.fromString(claims.getSubject()), customer, category.get(),
                    UUID.fromString(claims.getJWTID()), claims.getExpirationTime().toInstant());
        } catch (ParseException | IllegalArgumentException e) {
            throw invalid("malformed");
        } catch (BadJOSEException e) {
            throw invalid(TokenChecks.reason(e));
        } catch (JOSEException e) {
            throw invalid("signature");
        } catch (TokenRejected e) {
            throw invalid(e.getMessage());
        }
    }

    static ProblemException invalid(String reason) {
        LOG.info("Operation token refused: {}", reason);
        return new ProblemException(HttpStatus.UNAUTHORIZED, ProblemCodes.OPERATION_TOKEN_INVALID,
                "Operation token invalid", "The operation token is missing, expired, already used or not valid; "
                + "reload the page and try again.");
    }
}
