package io.plansync.identity.accounts;

import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The lock-out rule: {@code maxFailures} failures for an email within the window lock it until the oldest ages out. */
@Singleton
public class LoginLockout {
    private final LoginFailures failures;
    private final LoginProperties properties;
    private final Clock clock;

    public LoginLockout(LoginFailures failures, LoginProperties properties, Clock clock) {
        this.failures = failures;
        this.properties = properties;
        this.clock = clock;
    }

    /** How long the email stays locked, or empty if it may try now. */
    public Optional<Duration> lockedFor(String email) {
        Instant now = clock.instant();
        return failures.nthRecentFailure(email, now.minus(properties.window()), properties.maxFailures() - 1)
                .map(nth -> Duration.between(now, nth.plus(properties.window())))
                .filter(d -> !d.isNegative() && !d.isZero());
    }

    public void recordFailure(String email) {
        failures.record(email, clock.instant());
    }

    public void recordSuccess(String email) {
        failures.clear(email);
    }
}
