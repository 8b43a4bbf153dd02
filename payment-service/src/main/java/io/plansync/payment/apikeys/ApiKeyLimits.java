package io.plansync.payment.apikeys;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.plansync.support.limits.TokenBuckets;
import io.plansync.support.limits.Verdict;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Map;

/**
 * Each API key's limits, shared by every replica (payments' rate_limit_buckets): its own requests per minute, and
 * the daily quota every key has. The answer's X-RateLimit-* headers tell the per-minute limit, or the quota once it
 * is the one that refuses.
 */
@Singleton
public class ApiKeyLimits {
    static final String PER_MINUTE = "api-key-minute";
    static final String PER_DAY = "api-key-day";

    private final TokenBuckets buckets;

    public ApiKeyLimits(DataSource dataSource, ApiKeyProperties properties) {
        this.buckets = new TokenBuckets(DelegatingDataSource.unwrapDataSource(dataSource), "rate_limit_buckets",
                Map.of(PER_DAY, new TokenBuckets.Rate(properties.requestsPerDay(), Duration.ofDays(1))));
    }

    public Verdict take(ApiCaller caller) {
        Verdict minute = buckets.take(PER_MINUTE, caller.keyId(),
                new TokenBuckets.Rate(caller.requestsPerMinute(), Duration.ofMinutes(1)));
        if (!minute.allowed()) {
            return minute;
        }
        Verdict day = buckets.take(PER_DAY, caller.keyId());
        return day.allowed() ? minute : day;
    }
}
