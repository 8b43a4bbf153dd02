package io.plansync.identity.callers;

import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.time.Instant;

/** The jti of every accepted service token, kept until the token would have expired. */
@Singleton
public class ServiceTokenReplays {

    private final Sql sql;

    ServiceTokenReplays(Sql sql) {
        this.sql = sql;
    }

    /** @return 1 if this jti is new for the issuer, 0 if it was seen before (a replay) */
    public int remember(String issuer, String jti, Instant expiresAt) {
        return sql.update("insert into service_token_replays (issuer, jti, expires_at) values (?, ?, ?) "
                + "on conflict do nothing", issuer, jti, expiresAt);
    }

    public int forgetExpired(Instant now) {
        return sql.update("delete from service_token_replays where expires_at < ?", now);
    }
}
