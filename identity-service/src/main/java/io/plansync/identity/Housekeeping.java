package io.plansync.identity;

import io.micronaut.scheduling.annotation.Scheduled;
import io.plansync.identity.accounts.LoginFailures;
import io.plansync.identity.accounts.RefreshTokens;
import io.plansync.identity.callers.ServiceTokenReplays;
import io.plansync.identity.limits.RateLimits;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Forgets what can no longer matter: jti values of tokens that have expired, old failed logins, long-expired
 * refresh tokens, rate-limit buckets that are full again. Never touches the audit trail.
 */
@Singleton
public class Housekeeping {
    private final ServiceTokenReplays replays;
    private final LoginFailures loginFailures;
    private final RefreshTokens refreshTokens;
    private final RateLimits rateLimits;
    private final Clock clock;

    public Housekeeping(ServiceTokenReplays replays, LoginFailures loginFailures, RefreshTokens refreshTokens,
                        RateLimits rateLimits, Clock clock) {
        this.replays = replays;
        this.loginFailures = loginFailures;
        this.refreshTokens = refreshTokens;
        this.rateLimits = rateLimits;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = "10m", initialDelay = "1m")
    void forgetExpired() {
        Instant now = clock.instant();
        replays.forgetExpired(now);
        loginFailures.forgetBefore(now.minus(Duration.ofDays(1)));
        refreshTokens.forgetExpiredBefore(now.minus(Duration.ofDays(7)));
        rateLimits.forgetFullBuckets();
    }
}
