package io.plansync.payment.apikeys;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;

/** One API key as stored (never its secret). */
public record ApiKey(String id, String name, String mode, byte[] secretHash, List<String> scopes,
                     int requestsPerMinute, Instant createdAt, String createdBy, @Nullable Instant lastUsedAt,
                     @Nullable Instant expiresAt, @Nullable Instant revokedAt, @Nullable String revokedBy,
                     @Nullable String rotatedFrom) {

    /** Active: not revoked, and not past the end of a rotation's overlap. A rule, apart from HTTP and SQL. */
    public boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    public boolean allows(ApiScope scope) {
        return scopes.contains(scope.wire());
    }

    /** What the key's state is called in lists: active, expiring (a rotated key in its overlap), expired, revoked. */
    public String stateAt(Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        if (expiresAt == null) {
            return "active";
        }
        return now.isBefore(expiresAt) ? "expiring" : "expired";
    }
}
