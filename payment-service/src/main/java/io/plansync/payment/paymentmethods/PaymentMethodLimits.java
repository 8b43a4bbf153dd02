package io.plansync.payment.paymentmethods;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.plansync.support.limits.TokenBuckets;
import io.plansync.support.limits.Verdict;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Per-account limits on card management, shared by every replica (payments' rate_limit_buckets): operation tokens
 * issued a minute, and card changes an hour. Past the notice level a change is still made but logged and counted as
 * unusual (one account changing cards often is how card testing and account takeover look); past the hard limit it
 * is refused. plansync_payment_method_changes_total counts them by outcome: allowed, unusual, refused.
 */
@Singleton
public class PaymentMethodLimits {
    static final String TOKENS = "payment-method-tokens";
    static final String CHANGES_NOTICE = "payment-method-changes-notice";
    static final String CHANGES_LIMIT = "payment-method-changes-limit";
    private static final Logger LOG = LoggerFactory.getLogger(PaymentMethodLimits.class);

    private final TokenBuckets buckets;
    private final MeterRegistry metrics;

    public PaymentMethodLimits(DataSource dataSource, PaymentMethodProperties properties, MeterRegistry metrics) {
        this.metrics = metrics;
        this.buckets = new TokenBuckets(DelegatingDataSource.unwrapDataSource(dataSource), "rate_limit_buckets",
                Map.of(TOKENS, new TokenBuckets.Rate(properties.tokensPerMinute(), Duration.ofMinutes(1)),
                        CHANGES_NOTICE, new TokenBuckets.Rate(properties.changesNoticePerHour(), Duration.ofHours(1)),
                        CHANGES_LIMIT, new TokenBuckets.Rate(properties.changesLimitPerHour(), Duration.ofHours(1))));
    }

    /** An operation token for this account, unless it asked for too many this minute (429). */
    public void takeToken(UUID userId) {
        Verdict verdict = buckets.take(TOKENS, userId.toString());
        if (!verdict.allowed()) {
            throw verdict.refusal("Too many card operations from this account; try again later.");
        }
    }

    /** A card change for this account: refused (429) past the hard limit, logged and counted past the notice. */
    public void takeChange(UUID userId, OperationCategory category) {
        Verdict limit = buckets.take(CHANGES_LIMIT, userId.toString());
        if (!limit.allowed()) {
            count("refused");
            LOG.warn("Unusual activity: card changes of user {} over the hard limit; {} refused", userId,
                    category.wire());
            throw limit.refusal("Too many card changes from this account; try again later.");
        }
        if (!buckets.take(CHANGES_NOTICE, userId.toString()).allowed()) {
            count("unusual");
            LOG.warn("Unusual activity: card changes of user {} over the notice level ({})", userId, category.wire());
            return;
        }
        count("allowed");
    }

    public int forgetFullBuckets() {
        return buckets.forgetFullBuckets();
    }

    private void count(String outcome) {
        metrics.counter("plansync.payment.method.changes", "outcome", outcome).increment();
    }
}
