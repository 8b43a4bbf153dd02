package io.plansync.payment.reconcile;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the reconciliation on its schedule (PLANSYNC_RECONCILE_CRON, daily by default) on whichever replica wins. */
@Singleton
public class ScheduledReconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledReconciliation.class);

    private final Reconcile reconcile;
    private final ReconcileProperties properties;

    public ScheduledReconciliation(Reconcile reconcile, ReconcileProperties properties) {
        this.reconcile = reconcile;
        this.properties = properties;
    }

    @Scheduled(cron = "${plansync.reconcile.cron}")
    void runOnSchedule() {
        if (!properties.enabled()) {
            return;
        }
        try {
            reconcile.run(false, "schedule");
        } catch (Reconcile.AlreadyRunning e) {
            LOG.info("Scheduled reconciliation skipped: another replica is running it");
        } catch (RuntimeException e) {
            LOG.error("Scheduled reconciliation failed", e);
        }
    }
}
