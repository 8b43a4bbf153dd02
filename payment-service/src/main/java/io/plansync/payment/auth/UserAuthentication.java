package io.plansync.payment.auth;

import io.plansync.payment.identity.IdentityJwks;
import io.plansync.payment.identity.IdentityProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import io.plansync.support.auth.AuthFailure;
import io.plansync.support.auth.BearerToken;
import io.plansync.support.tokens.RemoteJwks;
import io.plansync.support.tokens.TokenRejected;
import io.plansync.support.tokens.UserTokenVerifier;
import jakarta.inject.Named;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Authenticates identity-service user tokens locally, against identity's published JWKS ({@link IdentityJwks}). No
 * call to identity-service per request, so tokens keep verifying while identity is down.
 */
@Context
public class UserAuthentication implements AuthenticationFetcher<HttpRequest<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(UserAuthentication.class);

    private final UserTokenVerifier verifier;
    private final ExecutorService blocking;
    private final MeterRegistry metrics;

    public UserAuthentication(IdentityProperties identity, RemoteJwks identityKeys,
                              @Named(TaskExecutors.BLOCKING) ExecutorService blocking, MeterRegistry metrics) {
        this.blocking = blocking;
        this.metrics = metrics;
        this.verifier = new UserTokenVerifier(identityKeys, identity.issuer(), identity.audience(), Clock.systemUTC());
    }

    /** A user and their roles, from a token that passed every check. */
    public record VerifiedUser(UUID id, Set<String> roles) {
    }

    /**
     * The user a token identity-service just issued names, with its roles, after every check a bearer token gets
     * (the billing pages' sign-in): empty when it is refused.
     */
    public Optional<VerifiedUser> verifiedUser(String token) {
        try {
            var verified = verifier.verify(token);
            return Optional.of(new VerifiedUser(UUID.fromString(verified.subject()), verified.roles()));
        } catch (TokenRejected | IllegalArgumentException e) {
            LOG.warn("identity-service's own token was refused at sign-in: {}", e instanceof TokenRejected r
                    ? r.reason() : "subject is not a user id");
            return Optional.empty();
        }
    }

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        Optional<String> token = BearerToken.from(request);
        if (token.isEmpty()) {
            return Publishers.empty();
        }
        // A cold JWKS cache means a network fetch: keep it off the event loop.
        CompletableFuture<Authentication> result = CompletableFuture.supplyAsync(() -> {
            try {
                var user = verifier.verify(token.get());
                return Authentication.build(user.subject(), List.copyOf(user.roles()), Map.of("jti", user.jti()));
            } catch (TokenRejected e) {
                LOG.info("Refused user token on {} {}: {}", request.getMethodName(), request.getPath(), e.reason());
                AuthFailure.userToken(e).attachTo(request);
                metrics.counter("plansync.tokens.rejected", "kind", "user", "reason", e.reason()).increment();
                return null;
            }
        }, blocking);
        return Publishers.fromCompletableFuture(() -> result);
    }
}
