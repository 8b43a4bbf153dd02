package io.plansync.payment.reconcile;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** plansync.reconcile.*: running totals of what reconciliations found. */
@Singleton
public class ReconcileMetrics {
    private final MeterRegistry registry;

    public ReconcileMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(ReconciliationRun report) {
        String mode = report.dryRun() ? "dry-run" : "heal";
        registry.counter("plansync.reconcile.runs", "mode", mode).increment();
        registry.counter("plansync.reconcile.users", "result", "checked", "mode", mode).increment(report.checked());
        registry.counter("plansync.reconcile.users", "result", "drifted", "mode", mode).increment(report.drifted());
        registry.counter("plansync.reconcile.users", "result", "enqueued", "mode", mode).increment(report.enqueued());
        registry.counter("plansync.reconcile.users", "result", "failed", "mode", mode).increment(report.failed());
        registry.counter("plansync.reconcile.stripe.events", "result", "recovered", "mode", mode)
                .increment(report.stripeEventsRecovered());
        registry.counter("plansync.reconcile.subscriptions", "result", "checked", "mode", mode)
                .increment(report.subscriptionsChecked());
        registry.counter("plansync.reconcile.subscriptions", "result", "drifted", "mode", mode)
                .increment(report.subscriptionsDrifted());
    }
}
