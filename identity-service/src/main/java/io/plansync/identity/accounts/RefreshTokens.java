package io.plansync.identity.accounts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Refresh tokens by SHA-256 hash. A token is single use; its family is every token rotated from one login. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface RefreshTokens extends GenericRepository<RefreshTokens.Row, byte[]> {

    @Query("insert into refresh_tokens (token_hash, family_id, user_id, expires_at) "
            + "values (:tokenHash, :familyId, :userId, :expiresAt)")
    void insert(byte[] tokenHash, UUID familyId, UUID userId, Instant expiresAt);

    @Query("select * from refresh_tokens where token_hash = :tokenHash for update")
    Optional<Row> findForUpdate(byte[] tokenHash);

    @Query("update refresh_tokens set used_at = now() where token_hash = :tokenHash")
    void markUsed(byte[] tokenHash);

    @Query("update refresh_tokens set revoked_at = now() where family_id = :familyId and revoked_at is null")
    int revokeFamily(UUID familyId);

    /** Every refresh token of the user still usable: revoked now. @return how many */
    @Query("update refresh_tokens set revoked_at = now() where user_id = :userId and revoked_at is null "
            + "and used_at is null and expires_at > now()")
    int revokeAllOf(UUID userId);

    @Query("delete from refresh_tokens where expires_at < :before")
    int forgetExpiredBefore(Instant before);

    @MappedEntity("refresh_tokens")
    record Row(@Id byte[] tokenHash, UUID familyId, UUID userId, Instant issuedAt, Instant expiresAt,
               @Nullable Instant usedAt, @Nullable Instant revokedAt) {

        boolean isDead() {
            return usedAt != null || revokedAt != null;
        }
    }
}
