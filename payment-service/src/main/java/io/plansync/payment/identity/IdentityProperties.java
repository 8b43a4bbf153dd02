package io.plansync.payment.identity;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.UserTokens;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * plansync.identity.*: where identity-service is, and what its user tokens must say. Its key set is cached for
 * {@code jwks-cache-ttl} (refreshed ahead of that, kept while identity is down); an unknown kid fetches it again at
 * most twice per {@code jwks-refresh-min-interval}.
 */
@ConfigurationProperties("plansync.identity")
public record IdentityProperties(@NotBlank String url, @Nullable String jwksUrl, @NotBlank String issuer,
                                 @NotBlank String audience, @NotNull Duration jwksCacheTtl,
                                 @NotNull Duration jwksRefreshMinInterval) {

    public String effectiveJwksUrl() {
        return jwksUrl == null || jwksUrl.isBlank() ? url.replaceAll("/+$", "") + UserTokens.JWKS_PATH : jwksUrl;
    }
}
