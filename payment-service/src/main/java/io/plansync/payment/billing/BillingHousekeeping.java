package io.plansync.payment.billing;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every ten minutes: sessions that ended or expired a day ago, and rate-limit buckets full again, are removed. */
@Singleton
public class BillingHousekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(BillingHousekeeping.class);

    private final BillingSessions sessions;
    private final BillingRateLimits limits;

    public BillingHousekeeping(BillingSessions sessions, BillingRateLimits limits) {
        this.sessions = sessions;
        this.limits = limits;
    }

    @Scheduled(fixedDelay = "10m", initialDelay = "1m")
    void tidy() {
        try {
            int ended = sessions.purgeOld();
            int buckets = limits.forgetFullBuckets();
            if (ended + buckets > 0) {
                LOG.info("Billing housekeeping: {} old session(s), {} full rate-limit bucket(s) removed", ended,
                        buckets);
            }
        } catch (Exception e) {
            LOG.warn("Billing housekeeping failed ({}); next round in 10 minutes", e.getClass().getSimpleName());
        }
    }
}
