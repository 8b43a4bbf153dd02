package io.plansync.payment.identity;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.plansync.support.tokens.RemoteJwks;

/**
 * identity-service's published user-token keys. Fetched at start in the background (start-up never waits for
 * identity), refreshed ahead of expiry, and kept through identity's outages and restarts, so users keep buying and
 * reading their status while identity-service is down.
 */
@Factory
public class IdentityJwks {

    @Context
    @Bean(preDestroy = "close")
    RemoteJwks identityJwks(IdentityProperties identity) {
        RemoteJwks jwks;
        try {
            jwks = RemoteJwks.of(identity.effectiveJwksUrl(), identity.jwksCacheTtl(),
                    identity.jwksRefreshMinInterval());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("IDENTITY_JWKS_URL / IDENTITY_URL or plansync.identity.jwks-*: "
                    + e.getMessage());
        }
        jwks.fetchInBackground();
        return jwks;
    }
}
