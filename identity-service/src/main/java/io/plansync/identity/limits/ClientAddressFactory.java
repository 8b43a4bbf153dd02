package io.plansync.identity.limits;

import io.micronaut.context.annotation.Factory;
import io.plansync.support.limits.ClientAddresses;
import jakarta.inject.Singleton;

/** Who a request comes from, behind identity-service's trusted proxies (identity.rate-limits.trusted-proxies). */
@Factory
public class ClientAddressFactory {
    @Singleton
    ClientAddresses clientAddresses(RateLimitProperties properties) {
        return new ClientAddresses(properties.trustedProxies(), "identity.rate-limits.trusted-proxies");
    }
}
