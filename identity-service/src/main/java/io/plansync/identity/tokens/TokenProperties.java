package io.plansync.identity.tokens;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/** identity.tokens.*: how user tokens are issued. */
@ConfigurationProperties("identity.tokens")
public record TokenProperties(@NotBlank String issuer,
                              @NotBlank String audience,
                              @NotNull Duration accessTokenTtl,
                              @NotNull Duration refreshTokenTtl,
                              @Nullable String signingKey,
                              @Nullable String previousSigningKeys) {

    public TokenProperties {
        if (accessTokenTtl.isNegative() || accessTokenTtl.isZero()
                || accessTokenTtl.toSeconds() > io.plansync.contracts.UserTokens.MAX_LIFETIME_SECONDS) {
            throw new IllegalArgumentException("identity.tokens.access-token-ttl must be between 1s and 15m");
        }
    }

    /** Never the private keys. */
    @Override
    public String toString() {
        return "TokenProperties[issuer=" + issuer + ", audience=" + audience + ", accessTokenTtl=" + accessTokenTtl
                + ", refreshTokenTtl=" + refreshTokenTtl + ", signingKey=" + (signingKey == null ? "none" : "***")
                + ", previousSigningKeys=" + (previousSigningKeys == null ? "none" : "***") + "]";
    }
}
