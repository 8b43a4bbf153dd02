package io.plansync.payment.reconcile;

import io.micronaut.serde.annotation.Serdeable;

/**
 * What a reconciliation run found. checked: users compared with identity-service; drifted: users whose plan there
 * differs; enqueued: outbox rows added to heal them; failed: users that could not be compared; stripeEvents*:
 * succeeded payments Stripe reports for the lookback window, and those never received by the webhook;
 * stripeListFailed: Stripe could not be asked, so missed payments were not looked for this time.
 */
@Serdeable
public record ReconciliationReport(boolean dryRun, int checked, int drifted, int enqueued, int failed,
                                   int stripeEventsChecked, int stripeEventsRecovered, boolean stripeListFailed) {
}
