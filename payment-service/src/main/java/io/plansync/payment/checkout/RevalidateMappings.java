package io.plansync.payment.checkout;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Daily: every user-to-customer mapping not checked within {@code plansync.customers.revalidate-after} is checked
 * against Stripe (paced under Stripe's read limit); each that no longer checks out is audited, logged and counted
 * ({@code plansync_customers_mapping_mismatches_total}), and its next use is refused until an operator acts.
 */
@Singleton
public class RevalidateMappings {
    private static final Logger LOG = LoggerFactory.getLogger(RevalidateMappings.class);
    private static final int PAGE = 100;

    private final Customers customers;
    private final CustomerAccounts accounts;
    private final Duration revalidateAfter;
    private final int requestsPerSecond;
    private final MeterRegistry metrics;

    public RevalidateMappings(Customers customers, CustomerAccounts accounts, MeterRegistry metrics,
                              @Value("${plansync.customers.revalidate-after}") Duration revalidateAfter,
                              @Value("${plansync.reconcile.stripe-requests-per-second}") int requestsPerSecond) {
        this.customers = customers;
        this.accounts = accounts;
        this.metrics = metrics;
        this.revalidateAfter = revalidateAfter;
        this.requestsPerSecond = requestsPerSecond;
    }

    @Scheduled(cron = "${plansync.customers.revalidate-cron}")
    void daily() {
        try {
            int[] counts = run();
            LOG.info("Customer mappings re-validated: {} checked, {} no longer check out", counts[0], counts[1]);
        } catch (Exception e) {
            LOG.error("Customer mapping re-validation stopped: {}", e.getClass().getSimpleName());
        }
    }

    /** @return {checked, mismatched} */
    public int[] run() throws Exception {
        Bucket pace = Bucket.builder().addLimit(Bandwidth.builder().capacity(requestsPerSecond)
                .refillGreedy(requestsPerSecond, Duration.ofSeconds(1)).build()).build();
        Instant before = Instant.now().minus(revalidateAfter);
        UUID after = new UUID(0, 0);
        int checked = 0;
        int mismatched = 0;
        while (true) {
            List<Customers.Customer> page = customers.validatedBefore(before, after, PAGE);
            if (page.isEmpty()) {
                return new int[]{checked, mismatched};
            }
            for (Customers.Customer mapping : page) {
                pace.asBlocking().consume(1);
                checked++;
                if (!accounts.revalidate(mapping, CustomerAccounts.DAILY)) {
                    mismatched++;
                    metrics.counter("plansync.customers.mapping.mismatches").increment();
                }
            }
            after = page.getLast().userId();
        }
    }
}
