package io.plansync.payment.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.UserTokens;
import jakarta.validation.constraints.NotBlank;

/** plansync.identity.*: where identity-service is, and what its user tokens must say. */
@ConfigurationProperties("plansync.identity")
public record IdentityProperties(@NotBlank String url, @Nullable String jwksUrl, @NotBlank String issuer,
                                 @NotBlank String audience) {

    public String effectiveJwksUrl() {
        return jwksUrl == null || jwksUrl.isBlank() ? url.replaceAll("/+$", "") + UserTokens.JWKS_PATH : jwksUrl;
    }
}
