package io.plansync.identity.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The per-client-address token buckets, kept by Bucket4j in PostgreSQL's rate_limit_buckets so that every replica
 * counts against the same limit. Each take or give-back is one short transaction of its own that locks only the
 * bucket's row ({@code SELECT ... FOR UPDATE}). This class owns all access to that table.
 */
@Singleton
public class RateLimits {
    /** How long a full bucket's row is kept: long enough that a busy address does not re-insert it constantly. */
    private static final Duration KEEP_FULL_BUCKETS = Duration.ofMinutes(1);
    private static final int EXPIRED_BATCH = 1000;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final Map<Limit, Bucket> limits = new EnumMap<>(Limit.class);

    public RateLimits(DataSource dataSource, RateLimitProperties properties) {
        // Bucket4j runs its own transactions: it needs the pool itself, not Micronaut's transaction-bound proxy.
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(DelegatingDataSource.unwrapDataSource(dataSource))
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        KEEP_FULL_BUCKETS))
                .build();
        for (Limit limit : Limit.values()) {
            RateLimitProperties.Rate rate = properties.rate(limit);
            BucketConfiguration configuration = BucketConfiguration.builder()
                    .addLimit(Bandwidth.builder().capacity(rate.capacity()).refillGreedy(rate.capacity(), rate.period())
                            .build())
                    .build();
            // The rate is part of the key: a changed limit starts fresh buckets instead of reading old ones.
            limits.put(limit, new Bucket(limit.key + ":" + rate.capacity() + "/" + rate.period() + ":", rate,
                    configuration));
        }
    }

    /** Takes one token from this address's bucket for {@code limit}, if it has one. */
    public Verdict take(Limit limit, String clientAddress) {
        Bucket bucket = limits.get(limit);
        ConsumptionProbe probe = buckets.builder().build(bucket.prefix + clientAddress, () -> bucket.configuration)
                .tryConsumeAndReturnRemaining(1);
        return new Verdict(probe.isConsumed(), bucket.rate.capacity(), probe.getRemainingTokens(),
                Verdict.seconds(probe.getNanosToWaitForReset()),
                Verdict.seconds(probe.getNanosToWaitForRefill()));
    }

    /** Gives back a token taken by {@link #take} for something that, in the end, did not count. */
    public void giveBack(Limit limit, String clientAddress) {
        Bucket bucket = limits.get(limit);
        buckets.builder().build(bucket.prefix + clientAddress, () -> bucket.configuration).addTokens(1);
    }

    /** Deletes the rows of buckets that have been full for a while: they hold nothing a new row would not. */
    public int forgetFullBuckets() {
        int removed = 0;
        int batch;
        do {
            batch = buckets.removeExpired(EXPIRED_BATCH);
            removed += batch;
        } while (batch == EXPIRED_BATCH);
        return removed;
    }

    private record Bucket(String prefix, RateLimitProperties.Rate rate, BucketConfiguration configuration) {
    }
}
