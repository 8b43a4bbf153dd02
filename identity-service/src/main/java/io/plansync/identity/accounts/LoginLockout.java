package io.plansync.identity.accounts;

import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The lock-out rule: {@code maxFailures} failures for an email within the window lock it until the oldest ages out.
 * An attempt counts as a failure from the moment it starts ({@link #begin}) until it succeeds, so however many
 * wrong passwords race for one email, at most {@code maxFailures} of them are checked.
 */
@Singleton
public class LoginLockout {
    private final LoginFailures failures;
    private final LoginProperties properties;
    private final TransactionOperations<Connection> transactions;
    private final Clock clock;

    public LoginLockout(LoginFailures failures, LoginProperties properties,
                        TransactionOperations<Connection> transactions, Clock clock) {
        this.failures = failures;
        this.properties = properties;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Checks the lock and, if the email may try, records the attempt as a failure until it succeeds: one atomic
     * step per email.
     *
     * @return how long the email stays locked (nothing recorded), or empty when the attempt may go on
     */
    public Optional<Duration> begin(String email) {
        return transactions.executeWrite(status -> {
            failures.lock(email);
            Instant now = clock.instant();
            Instant since = now.minus(properties.window());
            if (failures.recordIfUnlocked(email, now, since, properties.maxFailures()) == 1) {
                return Optional.empty();
            }
            // Locked until the maxFailures-th most recent failure ages out of the window.
            return Optional.of(failures.nthRecentFailure(email, since, properties.maxFailures() - 1)
                    .map(nth -> Duration.between(now, nth.plus(properties.window())))
                    .filter(d -> !d.isNegative() && !d.isZero())
                    .orElse(Duration.ofSeconds(1)));
        });
    }

    /** A successful login forgets every failure of the email, the attempt's own record included. */
    public void succeeded(String email) {
        failures.clear(email);
    }

    /** Lifts a lock-out now (an admin's decision). @return how many recorded failures were forgotten */
    public int unlock(String email) {
        return failures.clear(email);
    }
}
