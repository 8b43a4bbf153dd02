package io.plansync.payment.reconcile;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A reconciliation as it stands: {@code state} running, done, failed, or abandoned (running, but its replica stopped
 * reporting progress); {@code phase} stripe-events, stripe-subscriptions, identity or finished.
 *
 * <p>Counts: {@code usersTotal} users with a recorded plan when it started; {@code checked} compared with
 * identity-service so far, {@code drifted} of them differing, {@code enqueued} outbox rows added to heal them,
 * {@code failed} not comparable (identity-service unreachable); {@code subscriptionsChecked}/{@code Drifted} Stripe's
 * subscriptions compared with payment-service's; {@code stripeEvents*} money events of the lookback window and those
 * never received; {@code stripeFailed} Stripe could not be read (that part was skipped).
 */
@Serdeable
public record ReconciliationRun(long id, String state, @Nullable String phase, boolean dryRun,
                                @Nullable String requestedBy, String startedAt, @Nullable String finishedAt,
                                int usersTotal, int checked, int drifted, int enqueued, int failed,
                                int subscriptionsChecked, int subscriptionsDrifted, int stripeEventsChecked,
                                int stripeEventsRecovered, boolean stripeFailed, @Nullable String error) {

    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String ABANDONED = "abandoned";

    public boolean finished() {
        return !RUNNING.equals(state);
    }
}
