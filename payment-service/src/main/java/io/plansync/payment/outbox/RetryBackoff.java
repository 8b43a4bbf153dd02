package io.plansync.payment.outbox;

import io.github.resilience4j.core.IntervalFunction;

import java.time.Duration;
import java.time.Instant;

/**
 * When a failed row is tried next: {@code initial} doubled per attempt, with +-50% jitter so that rows that failed
 * at different times do not all come back at once, and never later than {@code max} (the cap is applied after the
 * jitter, so delays that reach it are exactly {@code max}).
 */
public final class RetryBackoff {
    static final double MULTIPLIER = 2.0;
    static final double JITTER = 0.5;

    private final IntervalFunction intervals;

    public RetryBackoff(Duration initial, Duration max) {
        this.intervals = IntervalFunction.ofExponentialRandomBackoff(initial.toMillis(), MULTIPLIER, JITTER,
                max.toMillis());
    }

    /** @param attempt the attempt that just failed, 1-based */
    public Instant nextAttemptAt(Instant now, int attempt) {
        return now.plusMillis(intervals.apply(attempt));
    }
}
