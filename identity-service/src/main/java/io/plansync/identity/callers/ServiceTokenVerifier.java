package io.plansync.identity.callers;

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
import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.ServiceTokens;
import io.plansync.support.tokens.RemoteJwks;
import io.plansync.support.tokens.TokenChecks;
import io.plansync.support.tokens.TokenRejected;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies service tokens from the configured trusted clients. A token is accepted only if every rule holds: ES256,
 * a key the client publishes, a valid signature, iss = sub = client id, aud contains identity-service, not expired,
 * not issued or valid in the future (30 s skew), a lifetime of at most 300 s, a matching X-Service header when one
 * is sent, and a jti never seen before. Scopes are checked later, by the endpoint ({@link Caller}). A kid the client
 * does not publish is refused (401) even when the JWKS refresh rate limit allows no fetch; only a failure to fetch the
 * client's keys makes the answer a retryable 503 ({@link RemoteJwks}).
 */
@Singleton
public class ServiceTokenVerifier {
    private final Map<String, Client> clientsById;
    private final ServiceTokenReplays replays;
    private final Clock clock;

    public ServiceTokenVerifier(List<ServiceClientProperties> clients, ServiceTokenReplays replays, Clock clock) {
        this.replays = replays;
        this.clock = clock;
        this.clientsById = clients.stream()
                .collect(Collectors.toUnmodifiableMap(ServiceClientProperties::clientId,
                        c -> client(c, clock), (a, b) -> a));
    }

    /** Whether the unverified issuer names a trusted service client: then the token must pass as a service token. */
    public boolean claimsToBeService(SignedJWT jwt) {
        try {
            String issuer = jwt.getJWTClaimsSet().getIssuer();
            return issuer != null && clientsById.containsKey(issuer);
        } catch (ParseException e) {
            return false;
        }
    }

    public VerifiedServiceToken verify(String token, @Nullable String serviceHeader) throws TokenRejected {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new TokenRejected("malformed");
        }
        if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
            throw new TokenRejected("algorithm");
        }
        String issuer;
        try {
            issuer = jwt.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw new TokenRejected("malformed");
        }
        Client client = issuer == null ? null : clientsById.get(issuer);
        if (client == null) {
            throw new TokenRejected("unknown client");
        }
        if (serviceHeader != null && !serviceHeader.equals(client.properties.clientId())) {
            throw new TokenRejected("X-Service mismatch");
        }
        JWTClaimsSet claims;
        try {
            claims = client.processor.process(jwt, null);
        } catch (BadJOSEException e) {
            throw new TokenRejected(TokenChecks.reason(e));
        } catch (com.nimbusds.jose.JOSEException e) {
            throw TokenRejected.keysUnavailable();
        }
        TokenChecks.checkIssuedAtAndLifetime(claims, ServiceTokens.MAX_LIFETIME_SECONDS, clock);
        Instant expiresAt = claims.getExpirationTime().toInstant();
        Set<String> scopes = scopes(claims);
        // Last, so that refused tokens do not fill the replay store.
        if (replays.remember(issuer, claims.getJWTID(), expiresAt.plusSeconds(TokenChecks.SKEW_SECONDS)) == 0) {
            throw new TokenRejected("replayed jti");
        }
        return new VerifiedServiceToken(client.properties.clientId(), scopes,
                Set.copyOf(client.properties.allowedScopes()), claims.getJWTID());
    }

    public Optional<ServiceClientProperties> client(String clientId) {
        return Optional.ofNullable(clientsById.get(clientId)).map(c -> c.properties);
    }

    private static Set<String> scopes(JWTClaimsSet claims) throws TokenRejected {
        try {
            String scope = claims.getStringClaim(ServiceTokens.CLAIM_SCOPE);
            return scope == null ? Set.of()
                    : Arrays.stream(scope.trim().split("\\s+")).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        } catch (ParseException e) {
            throw new TokenRejected("scope");
        }
    }

    /** Closes each client's JWKS (its background refresh thread). */
    @PreDestroy
    void close() throws IOException {
        for (Client client : clientsById.values()) {
            client.keys.close();
        }
    }

    private static Client client(ServiceClientProperties client, Clock clock) {
        RemoteJwks keys;
        try {
            keys = RemoteJwks.of(client.jwksUrl(), client.jwksCacheTtl(), client.jwksRefreshMinInterval());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("identity.service-clients." + client.name() + ": " + e.getMessage()
                    + " (jwks-url, jwks-cache-ttl, jwks-refresh-min-interval)");
        }
        return new Client(client, keys, processor(client, keys, clock));
    }

    private static DefaultJWTProcessor<SecurityContext> processor(ServiceClientProperties client,
                                                                  JWKSource<SecurityContext> keys, Clock clock) {
        var processor = new DefaultJWTProcessor<SecurityContext>();
        // A user access token (typ at+jwt) is never a service token.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
        processor.setJWTClaimsSetVerifier(TokenChecks.claimsVerifier(ServiceTokens.AUDIENCE_IDENTITY,
                new JWTClaimsSet.Builder().issuer(client.clientId()).subject(client.clientId()).build(),
                Set.of("iat", "exp", "jti"), clock));
        return processor;
    }

    /** A service token that passed every check; scopes are what it asked for, allowed what its client may hold. */
    public record VerifiedServiceToken(String clientId, Set<String> scopes, Set<String> allowedScopes, String jti) {
    }

    private record Client(ServiceClientProperties properties, RemoteJwks keys,
                          DefaultJWTProcessor<SecurityContext> processor) {
    }

}
