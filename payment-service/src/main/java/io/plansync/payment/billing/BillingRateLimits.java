package io.plansync.payment.billing;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.plansync.support.limits.TokenBuckets;
import io.plansync.support.limits.Verdict;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The billing pages' limits, shared by every replica through payments' rate_limit_buckets: requests per client
 * address (every page and action), and purchases or portal openings per signed-in account.
 */
@Singleton
public class BillingRateLimits {
    static final String PER_ADDRESS = "billing-address";
    static final String PER_ACCOUNT = "billing-account";

    private final TokenBuckets buckets;

    public BillingRateLimits(DataSource dataSource, BillingProperties properties) {
        this.buckets = new TokenBuckets(DelegatingDataSource.unwrapDataSource(dataSource), "rate_limit_buckets",
                Map.of(PER_ADDRESS, new TokenBuckets.Rate(properties.addressRequestsPerMinute(), Duration.ofMinutes(1)),
                        PER_ACCOUNT, new TokenBuckets.Rate(properties.accountActionsPerMinute(),
                                Duration.ofMinutes(1))));
    }

    public Verdict takeForAddress(String clientAddress) {
        return buckets.take(PER_ADDRESS, clientAddress);
    }

    public Verdict takeForAccount(UUID userId) {
        return buckets.take(PER_ACCOUNT, userId.toString());
    }

    /** Deletes the rows of buckets that have been full for a while. */
    public int forgetFullBuckets() {
        return buckets.forgetFullBuckets();
    }
}
