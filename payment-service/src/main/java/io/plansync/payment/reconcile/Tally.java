package io.plansync.payment.reconcile;

import java.util.concurrent.atomic.AtomicInteger;

/** A running reconciliation's counts, saved to its row as it goes. */
final class Tally {
    final AtomicInteger usersTotal = new AtomicInteger();
    final AtomicInteger checked = new AtomicInteger();
    final AtomicInteger drifted = new AtomicInteger();
    final AtomicInteger enqueued = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger subscriptionsChecked = new AtomicInteger();
    final AtomicInteger subscriptionsDrifted = new AtomicInteger();
    final AtomicInteger stripeEventsChecked = new AtomicInteger();
    final AtomicInteger stripeEventsRecovered = new AtomicInteger();
    volatile boolean stripeFailed;
}
