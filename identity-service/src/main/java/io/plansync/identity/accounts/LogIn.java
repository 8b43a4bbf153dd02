package io.plansync.identity.accounts;

import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.identity.limits.Limit;
import io.plansync.identity.limits.RateLimits;
import io.plansync.support.limits.Verdict;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Exchanges email and password for a token pair. Every failure looks alike and costs the same hashing work:
 * unknown email, invalid email, wrong password, and a password too long to be anyone's. After too many failures
 * for one email it is locked for a while, even for the right password; and one client address may only fail so
 * often ({@link Limit#FAILED_LOGINS}), whatever emails it tries.
 */
@Singleton
public class LogIn {
    private final UserRepository users;
    private final PasswordHasher passwords;
    private final LoginLockout lockout;
    private final SessionIssuer sessions;
    private final RateLimits rateLimits;
    private final MeterRegistry metrics;

    public LogIn(UserRepository users, PasswordHasher passwords, LoginLockout lockout, SessionIssuer sessions,
                 RateLimits rateLimits, MeterRegistry metrics) {
        this.metrics = metrics;
        this.users = users;
        this.passwords = passwords;
        this.lockout = lockout;
        this.sessions = sessions;
        this.rateLimits = rateLimits;
    }

    public AuthMessages.TokenPair logIn(String rawEmail, String password, String clientAddress) {
        String email = Emails.normalize(rawEmail);
        if (email.isEmpty() || password == null || password.isEmpty()) {
            throw ProblemException.validation(List.of(
                    new Problem.FieldError("email", "email and password are required")));
        }
        // Taken before the attempt and given back if it succeeds: concurrent failures cannot overrun the limit.
        Verdict address = rateLimits.take(Limit.FAILED_LOGINS, clientAddress);
        if (!address.allowed()) {
            counted("address_limited");
            throw address.refusal("Too many failed logins from this address; try again later.");
        }
        boolean failed = false;
        // The turn before the lock-out and the lookup: beyond what can be hashed, a login is refused before them.
        try (PasswordHasher.Turn turn = passwords.turn()) {
            AuthMessages.TokenPair pair = check(email, password, turn);
            if (pair == null) {
                failed = true;
                counted("failed");
                throw new ProblemException(HttpStatus.UNAUTHORIZED, ProblemCodes.AUTH_INVALID, "Login failed",
                        "Invalid email or password.");
            }
            counted("success");
            return pair;
        } catch (ProblemException e) {
            if (e.status() == HttpStatus.TOO_MANY_REQUESTS) {
                counted("locked_out");
            } else if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
                counted("busy");
            }
            failed = failed || e.status() == HttpStatus.TOO_MANY_REQUESTS;
            throw e;
        } finally {
            // Only failures count against the address; a success, or a service too busy to judge, gives it back.
            if (!failed) {
                rateLimits.giveBack(Limit.FAILED_LOGINS, clientAddress);
            }
        }
    }

    /** @return the token pair, or null for a failed login; 429 when the email is locked */
    private AuthMessages.TokenPair check(String email, String password, PasswordHasher.Turn turn) {
        if (!Emails.isValid(email)) {
            // No account has this email (registration refuses it), and it is never written to the lock-out table.
            turn.spendDecoyCheck(password);
            return null;
        }
        Optional<Duration> locked = lockout.begin(email);
        if (locked.isPresent()) {
            throw lockedOut(locked.get());
        }
        Optional<User> user = users.findByEmail(email);
        boolean valid;
        if (user.isPresent()) {
            // Checked even when too long to be anyone's password, so that costs what any check costs.
            valid = turn.matches(password, user.get().passwordHash()) && password.length() <= PasswordHasher.MAX_LENGTH;
        } else {
            turn.spendDecoyCheck(password);
            valid = false;
        }
        if (!valid) {
            return null;
        }
        lockout.succeeded(email);
        return sessions.issue(user.get(), UUID.randomUUID());
    }

    /** plansync_logins_total by outcome: success, failed, locked_out, address_limited, busy. */
    private void counted(String outcome) {
        metrics.counter("plansync.logins", "outcome", outcome).increment();
    }

    private static ProblemException lockedOut(Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, ProblemCodes.RATE_LIMITED,
                "Too many failed logins", "Too many failed logins for this account; try again later.",
                List.of(), Map.of(io.micronaut.http.HttpHeaders.RETRY_AFTER, Long.toString(seconds)),
                java.time.Instant.now().plusSeconds(seconds).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
}
