package io.plansync.identity.accounts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/** Request and response bodies of /auth/*. Requests redact secrets in toString, in case one is ever logged. */
public final class AuthMessages {
    private AuthMessages() {
    }

    @Serdeable
    public record Credentials(@Nullable String email, @Nullable String password) {
        @Override
        public String toString() {
            return "Credentials[email=" + email + ", password=***]";
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record RefreshRequest(@Nullable String refreshToken) {
        @Override
        public String toString() {
            return "RefreshRequest[***]";
        }
    }

    @Serdeable
    public record RegisteredUser(String id, String email, String plan, String status) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record TokenPair(String accessToken, String tokenType, long expiresIn, String refreshToken) {
        @Override
        public String toString() {
            return "TokenPair[***]";
        }
    }
}
