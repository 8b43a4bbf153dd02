package io.plansync.identity.accounts;

import io.micronaut.core.annotation.Nullable;
import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static io.plansync.support.sql.Sql.instant;
import static io.plansync.support.sql.Sql.uuid;

/** Refresh tokens by SHA-256 hash. A token is single use; its family is every token rotated from one login. */
@Singleton
public class RefreshTokens {

    private final Sql sql;

    RefreshTokens(Sql sql) {
        this.sql = sql;
    }

    public void insert(byte[] tokenHash, UUID familyId, UUID userId, Instant expiresAt) {
        sql.update("insert into refresh_tokens (token_hash, family_id, user_id, expires_at) values (?, ?, ?, ?)",
                tokenHash, familyId, userId, expiresAt);
    }

    public Optional<Row> findForUpdate(byte[] tokenHash) {
        return sql.first("select * from refresh_tokens where token_hash = ? for update",
                row -> new Row(row.getBytes("token_hash"), uuid(row, "family_id"), uuid(row, "user_id"),
                        instant(row, "issued_at"), instant(row, "expires_at"), instant(row, "used_at"),
                        instant(row, "revoked_at")), (Object) tokenHash);
    }

    public void markUsed(byte[] tokenHash) {
        sql.update("update refresh_tokens set used_at = now() where token_hash = ?", (Object) tokenHash);
    }

    public int revokeFamily(UUID familyId) {
        return sql.update("update refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null",
                familyId);
    }

    /** Every refresh token of the user still usable: revoked now. @return how many */
    public int revokeAllOf(UUID userId) {
        return sql.update("update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null "
                + "and used_at is null and expires_at > now()", userId);
    }

    public int forgetExpiredBefore(Instant before) {
        return sql.update("delete from refresh_tokens where expires_at < ?", before);
    }

    public record Row(byte[] tokenHash, UUID familyId, UUID userId, Instant issuedAt, Instant expiresAt,
                      @Nullable Instant usedAt, @Nullable Instant revokedAt) {
        boolean isDead() {
            return usedAt != null || revokedAt != null;
        }
    }
}
