package io.plansync.payment.outbox;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Where the relay's surge workers wait for a backlog on this replica: a round that found a full batch due. Rows that
 * trickle in are better served by few workers, each sending a larger batch (one token, request and commit for many
 * rows); a backlog, after an outage or a burst, is served faster by more.
 */
final class BacklogSignal {
    private long fullRounds;

    /** A round claimed a full batch: more are probably due. */
    synchronized void fullRound() {
        fullRounds++;
        notifyAll();
    }

    /** @return whether a full round (or {@link #fullRound} on shutdown) came before {@code max} passed */
    synchronized boolean await(Duration max) throws InterruptedException {
        long seen = fullRounds;
        long deadline = System.nanoTime() + max.toNanos();
        while (fullRounds == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
