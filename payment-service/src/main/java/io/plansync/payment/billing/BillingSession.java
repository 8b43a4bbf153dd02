package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A billing session as stored: hashes only. {@code userId} null: not signed in yet; {@code email} the signed-in
 * user's, to show; {@code roles} those identity-service's token named at sign-in (signing in starts a new session,
 * so {@code createdAt} is when they were read).
 */
public record BillingSession(String idHash, @Nullable UUID userId, String csrfHash, @Nullable String previousCsrfHash,
                             Instant csrfRotatedAt, Instant createdAt, Instant lastSeenAt, Instant expiresAt,
                             @Nullable Instant endedAt, @Nullable String email, Set<String> roles) {

    public boolean signedIn() {
        return userId != null;
    }
}
