package io.plansync.identity.callers;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;

/** The jti of every accepted service token, kept until the token would have expired. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ServiceTokenReplays extends GenericRepository<ServiceTokenReplays.Row, String> {

    /** @return 1 if this jti is new for the issuer, 0 if it was seen before (a replay) */
    @Query("insert into service_token_replays (issuer, jti, expires_at) values (:issuer, :jti, :expiresAt) "
            + "on conflict do nothing")
    int remember(String issuer, String jti, Instant expiresAt);

    @Query("delete from service_token_replays where expires_at < :now")
    int forgetExpired(Instant now);

    @io.micronaut.data.annotation.MappedEntity("service_token_replays")
    record Row(@io.micronaut.data.annotation.Id String jti, String issuer, Instant expiresAt) {
    }
}
