package io.plansync.support.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Token buckets kept by Bucket4j in a PostgreSQL table, so that every replica of a service counts against the same
 * limit: one bucket per limit and subject (a client address, an account). Each take or give-back is one short
 * transaction of its own that locks only the bucket's row ({@code SELECT ... FOR UPDATE}). The table has the shape
 * of identity's V3 migration: {@code (id text primary key, state bytea, expires_at bigint)}.
 */
public final class TokenBuckets {
    /** How long a full bucket's row is kept: long enough that a busy subject does not re-insert it constantly. */
    private static final Duration KEEP_FULL_BUCKETS = Duration.ofMinutes(1);
    private static final int EXPIRED_BATCH = 1000;

    /** A limit: {@code capacity} requests per {@code period}, refilled greedily. */
    public record Rate(long capacity, Duration period) {
    }

    private record Bucket(String prefix, Rate rate, BucketConfiguration configuration) {
    }

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final Map<String, Bucket> limits = new HashMap<>();
    private final Map<String, Bucket> perSubject = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param pool   the connection pool itself: Bucket4j runs its own transactions, so not Micronaut's
     *               transaction-bound proxy ({@code DelegatingDataSource.unwrapDataSource})
     * @param limits each limit's name (part of its buckets' keys) and rate
     */
    public TokenBuckets(DataSource pool, String table, Map<String, Rate> limits) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(pool)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table(table)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        KEEP_FULL_BUCKETS))
                .build();
        limits.forEach((name, rate) -> this.limits.put(name, bucketOf(name, rate)));
    }

    private static Bucket bucketOf(String name, Rate rate) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(rate.capacity()).refillGreedy(rate.capacity(), rate.period())
                        .build())
                .build();
        // The rate is part of the key: a changed limit starts fresh buckets instead of reading old ones.
        return new Bucket(name + ":" + rate.capacity() + "/" + rate.period() + ":", rate, configuration);
    }

    /** Takes one token from this subject's bucket for {@code limit}, if it has one. */
    public Verdict take(String limit, String subject) {
        return take(bucket(limit), subject);
    }

    /**
     * Takes one token from this subject's bucket for a limit whose rate each subject has its own (an API key's
     * requests per minute); a changed rate starts a fresh bucket.
     */
    public Verdict take(String limit, String subject, Rate rate) {
        return take(perSubject.computeIfAbsent(limit + "|" + rate, k -> bucketOf(limit, rate)), subject);
    }

    private Verdict take(Bucket bucket, String subject) {
        ConsumptionProbe probe = buckets.builder().build(bucket.prefix + subject, () -> bucket.configuration)
                .tryConsumeAndReturnRemaining(1);
        return new Verdict(probe.isConsumed(), bucket.rate.capacity(), probe.getRemainingTokens(),
                Verdict.seconds(probe.getNanosToWaitForReset()), Verdict.seconds(probe.getNanosToWaitForRefill()));
    }

    /** Gives back a token taken by {@link #take} for something that, in the end, did not count. */
    public void giveBack(String limit, String subject) {
        Bucket bucket = bucket(limit);
        buckets.builder().build(bucket.prefix + subject, () -> bucket.configuration).addTokens(1);
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

    private Bucket bucket(String limit) {
        Bucket bucket = limits.get(limit);
        if (bucket == null) {
            throw new IllegalArgumentException("no such limit: " + limit);
        }
        return bucket;
    }
}
