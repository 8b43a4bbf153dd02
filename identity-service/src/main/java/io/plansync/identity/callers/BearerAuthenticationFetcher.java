package io.plansync.identity.callers;

import com.nimbusds.jwt.SignedJWT;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import io.plansync.contracts.ServiceTokens;
import io.plansync.support.auth.AuthFailure;
import io.plansync.support.auth.BearerToken;
import io.plansync.support.tokens.TokenRejected;
import io.plansync.support.tokens.UserTokenVerifier;
import jakarta.inject.Named;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.ParseException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Turns a bearer token into a {@link Caller}. A token whose issuer is a trusted service, or a request with an
 * X-Service header, must pass as a service token; anything else must pass as a user access token. A refused token
 * leaves an {@link AuthFailure} on the request, so the 401 says which kind failed.
 */
// Created at start-up: a broken key or client configuration must stop the service, not fail each request.
@Context
public class BearerAuthenticationFetcher implements AuthenticationFetcher<HttpRequest<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(BearerAuthenticationFetcher.class);

    private final UserTokenVerifier userTokens;
    private final ServiceTokenVerifier serviceTokens;
    private final ExecutorService blocking;
    private final MeterRegistry metrics;

    public BearerAuthenticationFetcher(UserTokenVerifier userTokens, ServiceTokenVerifier serviceTokens,
                                       @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
                                       MeterRegistry metrics) {
        this.metrics = metrics;
        this.userTokens = userTokens;
        this.serviceTokens = serviceTokens;
        this.blocking = blocking;
    }

    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        Optional<String> token = BearerToken.from(request);
        if (token.isEmpty()) {
            return Publishers.empty();
        }
        String serviceHeader = request.getHeaders().get(ServiceTokens.HEADER_SERVICE);
        // Service-token checks touch the database (replay store) and maybe the network (JWKS): not on the event loop.
        CompletableFuture<Authentication> result = CompletableFuture.supplyAsync(
                () -> authenticate(token.get(), serviceHeader, request).orElse(null), blocking);
        return Publishers.fromCompletableFuture(() -> result);
    }

    private Optional<Authentication> authenticate(String token, String serviceHeader, HttpRequest<?> request) {
        boolean service = serviceHeader != null || claimsToBeService(token);
        try {
            Caller caller = service ? asService(token, serviceHeader) : asUser(token);
            return Optional.of(caller.toAuthentication());
        } catch (TokenRejected e) {
            LOG.info("Refused {} token on {} {}: {}", service ? "service" : "user", request.getMethodName(),
                    request.getPath(), e.reason());
            (service ? AuthFailure.serviceToken(e) : AuthFailure.userToken(e)).attachTo(request);
            metrics.counter("plansync.tokens.rejected", "kind", service ? "service" : "user", "reason", e.reason())
                    .increment();
            return Optional.empty();
        }
    }

    private boolean claimsToBeService(String token) {
        try {
            return serviceTokens.claimsToBeService(SignedJWT.parse(token));
        } catch (ParseException e) {
            // alg "none" and other unsigned forms: classify by the claimed issuer all the same.
            try {
                String issuer = com.nimbusds.jwt.JWTParser.parse(token).getJWTClaimsSet().getIssuer();
                return issuer != null && serviceTokens.client(issuer).isPresent();
            } catch (ParseException ignored) {
                return false;
            }
        }
    }

    private Caller asService(String token, String serviceHeader) throws TokenRejected {
        var verified = serviceTokens.verify(token, serviceHeader);
        return new Caller(Caller.Kind.SERVICE, verified.clientId(), Set.of(), verified.scopes(),
                verified.allowedScopes(), verified.jti());
    }

    private Caller asUser(String token) throws TokenRejected {
        var verified = userTokens.verify(token);
        return new Caller(Caller.Kind.USER, verified.subject(), verified.roles(), Set.of(), Set.of(), verified.jti());
    }
}
