package io.plansync.payment.billing;

import io.micronaut.context.annotation.Factory;
import io.plansync.support.limits.ClientAddresses;
import jakarta.inject.Singleton;

/** Who a billing request comes from, behind payment-service's trusted proxies (plansync.billing.trusted-proxies). */
@Factory
public class BillingClientAddresses {
    @Singleton
    ClientAddresses clientAddresses(BillingProperties properties) {
        return new ClientAddresses(properties.trustedProxies(), "plansync.billing.trusted-proxies");
    }
}
