package io.plansync.identity.callers;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.ServiceTokens;
import io.plansync.support.tokens.TokenRejected;
import jakarta.inject.Singleton;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies service tokens from the configured trusted clients. A token is accepted only if every rule holds: ES256,
 * a key the client publishes, a valid signature, iss = sub = client id, aud contains identity-service, not expired,
 * not issued or valid in the future (30 s skew), a lifetime of at most 300 s, a matching X-Service header when one
 * is sent, and a jti never seen before. Scopes are checked later, by the endpoint ({@link Caller}).
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
                        c -> new Client(c, processorFor(c, clock)), (a, b) -> a));
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
            throw new TokenRejected(e.getMessage() != null && e.getMessage().contains("expired") ? "expired" : "invalid");
        } catch (com.nimbusds.jose.JOSEException e) {
            throw TokenRejected.keysUnavailable();
        }
        Instant issuedAt = claims.getIssueTime().toInstant();
        Instant expiresAt = claims.getExpirationTime().toInstant();
        if (issuedAt.isAfter(clock.instant().plusSeconds(ServiceTokens.CLOCK_SKEW_SECONDS))) {
            throw new TokenRejected("issued in the future");
        }
        if (expiresAt.getEpochSecond() - issuedAt.getEpochSecond() > ServiceTokens.MAX_LIFETIME_SECONDS) {
            throw new TokenRejected("lifetime too long");
        }
        Set<String> scopes = scopes(claims);
        // Last, so that refused tokens do not fill the replay store.
        if (replays.remember(issuer, claims.getJWTID(), expiresAt.plusSeconds(ServiceTokens.CLOCK_SKEW_SECONDS)) == 0) {
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

    private static DefaultJWTProcessor<SecurityContext> processorFor(ServiceClientProperties client, Clock clock) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(URI.create(client.jwksUrl()).toURL(),
                            new DefaultResourceRetriever(2_000, 2_000, 64 * 1024))
                    .cache(true)
                    // An unknown kid triggers a refresh, but at most once per interval.
                    .rateLimited(client.jwksRefreshMinInterval().toMillis())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("identity.service-clients." + client.name() + ".jwks-url is not a URL");
        }
        var processor = new DefaultJWTProcessor<SecurityContext>();
        // A user access token (typ at+jwt) is never a service token.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
        var verifier = new DefaultJWTClaimsVerifier<SecurityContext>(
                java.util.Collections.singleton(ServiceTokens.AUDIENCE_IDENTITY),
                new JWTClaimsSet.Builder().issuer(client.clientId()).subject(client.clientId()).build(),
                new java.util.HashSet<>(Set.of("iat", "exp", "jti")), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        verifier.setMaxClockSkew((int) ServiceTokens.CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(verifier);
        return processor;
    }

    /** A service token that passed every check; scopes are what it asked for, allowed what its client may hold. */
    public record VerifiedServiceToken(String clientId, Set<String> scopes, Set<String> allowedScopes, String jti) {
    }

    private record Client(ServiceClientProperties properties, DefaultJWTProcessor<SecurityContext> processor) {
    }

}
