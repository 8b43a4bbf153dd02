package io.plansync.payment.billing;

import io.micronaut.scheduling.annotation.Scheduled;
import io.plansync.payment.paymentmethods.OperationTokenUses;
import io.plansync.payment.paymentmethods.PaymentMethodLimits;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every ten minutes: sessions that ended or expired a day ago, rate-limit buckets full again, and the ids of used
 * operation tokens that have expired are removed.
 */
@Singleton
public class BillingHousekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(BillingHousekeeping.class);

    private final BillingSessions sessions;
    private final BillingRateLimits limits;
    private final PaymentMethodLimits cardLimits;
    private final OperationTokenUses tokenUses;

    public BillingHousekeeping(BillingSessions sessions, BillingRateLimits limits, PaymentMethodLimits cardLimits,
                               OperationTokenUses tokenUses) {
        this.sessions = sessions;
        this.limits = limits;
        this.cardLimits = cardLimits;
        this.tokenUses = tokenUses;
    }

    @Scheduled(fixedDelay = "10m", initialDelay = "1m")
    void tidy() {
        try {
            int ended = sessions.purgeOld();
            int buckets = limits.forgetFullBuckets() + cardLimits.forgetFullBuckets();
            int tokens = tokenUses.forgetExpired();
            if (ended + buckets + tokens > 0) {
                LOG.info("Billing housekeeping: {} old session(s), {} full rate-limit bucket(s), {} expired "
                        + "operation token id(s) removed", ended, buckets, tokens);
            }
        } catch (Exception e) {
            LOG.warn("Billing housekeeping failed ({}); next round in 10 minutes", e.getClass().getSimpleName());
        }
    }
}
