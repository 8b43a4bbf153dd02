package io.plansync.identity.limits;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.plansync.support.limits.TokenBuckets;
import io.plansync.support.limits.Verdict;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.util.HashMap;
import java.util.Map;

/**
 * identity-service's per-client-address limits ({@link Limit}), in PostgreSQL's rate_limit_buckets so that every
 * replica counts against the same limit. This class owns all access to that table.
 */
@Singleton
public class RateLimits {
    private final TokenBuckets buckets;

    public RateLimits(DataSource dataSource, RateLimitProperties properties) {
        Map<String, TokenBuckets.Rate> rates = new HashMap<>();
        for (Limit limit : Limit.values()) {
            RateLimitProperties.Rate rate = properties.rate(limit);
            rates.put(limit.key, new TokenBuckets.Rate(rate.capacity(), rate.period()));
        }
        this.buckets = new TokenBuckets(DelegatingDataSource.unwrapDataSource(dataSource), "rate_limit_buckets", rates);
    }

    /** Takes one token from this address's bucket for {@code limit}, if it has one. */
    public Verdict take(Limit limit, String clientAddress) {
        return buckets.take(limit.key, clientAddress);
    }

    /** Gives back a token taken by {@link #take} for something that, in the end, did not count. */
    public void giveBack(Limit limit, String clientAddress) {
        buckets.giveBack(limit.key, clientAddress);
    }

    /** Deletes the rows of buckets that have been full for a while: they hold nothing a new row would not. */
    public int forgetFullBuckets() {
        return buckets.forgetFullBuckets();
    }
}
