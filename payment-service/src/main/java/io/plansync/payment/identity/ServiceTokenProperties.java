package io.plansync.payment.identity;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.ServiceTokens;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/** plansync.service-token.*: the keys and lifetime of the service tokens payment-service presents to identity. */
@ConfigurationProperties("plansync.service-token")
public record ServiceTokenProperties(@Nullable String signingKey, @Nullable String previousSigningKeys,
                                     @NotNull Duration lifetime) {
    public ServiceTokenProperties {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.toSeconds() > ServiceTokens.MAX_LIFETIME_SECONDS) {
            throw new IllegalArgumentException("PAYMENT_SERVICE_TOKEN_LIFETIME must be between 1s and 300s");
        }
    }

    /** Never the private keys. */
    @Override
    public String toString() {
        return "ServiceTokenProperties[signingKey=" + (signingKey == null ? "none" : "***") + ", previousSigningKeys="
                + (previousSigningKeys == null ? "none" : "***") + ", lifetime=" + lifetime + "]";
    }
}
