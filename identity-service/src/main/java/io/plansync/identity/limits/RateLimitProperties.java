package io.plansync.identity.limits;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.util.List;

/**
 * identity.rate-limits.*: how much one client address may do. Each limit is a token bucket of {@code N} tokens
 * refilled evenly over its period (so {@code 10} per {@code 1h} is ten at once, then one every six minutes).
 *
 * @param authRequests         requests to /auth/* per {@code authRequestsPeriod}
 * @param failedLogins         failed logins (wrong password, unknown or invalid email, locked account) per period
 * @param anonymousPlanChanges plan-change attempts without valid credentials per period
 * @param trustedProxies       addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed; empty:
 *                             the client is the TCP peer and X-Forwarded-For is ignored
 */
@ConfigurationProperties("identity.rate-limits")
public record RateLimitProperties(@Min(1) long authRequests,
                                  @NotNull Duration authRequestsPeriod,
                                  @Min(1) long failedLogins,
                                  @NotNull Duration failedLoginsPeriod,
                                  @Min(1) long anonymousPlanChanges,
                                  @NotNull Duration anonymousPlanChangesPeriod,
                                  @Nullable List<String> trustedProxies) {

    /** The size and period of one limit. */
    public record Rate(long capacity, Duration period) {
    }

    Rate rate(Limit limit) {
        return switch (limit) {
            case AUTH_REQUESTS -> new Rate(authRequests, authRequestsPeriod);
            case FAILED_LOGINS -> new Rate(failedLogins, failedLoginsPeriod);
            case ANONYMOUS_PLAN_CHANGES -> new Rate(anonymousPlanChanges, anonymousPlanChangesPeriod);
        };
    }
}
