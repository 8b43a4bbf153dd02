package io.plansync.identity.accounts;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Exchanges email and password for a token pair. Unknown email and wrong password fail alike (same message, same
 * hashing cost); after too many failures for one email it is locked for a while, even for the right password.
 */
@Singleton
public class LogIn {
    private final UserRepository users;
    private final PasswordHasher passwords;
    private final LoginLockout lockout;
    private final SessionIssuer sessions;

    public LogIn(UserRepository users, PasswordHasher passwords, LoginLockout lockout, SessionIssuer sessions) {
        this.users = users;
        this.passwords = passwords;
        this.lockout = lockout;
        this.sessions = sessions;
    }

    public AuthMessages.TokenPair logIn(String rawEmail, String password) {
        String email = Emails.normalize(rawEmail);
        if (email.isEmpty() || password == null || password.isEmpty()) {
            throw ProblemException.validation(List.of(
                    new io.plansync.support.problem.Problem.FieldError("email", "email and password are required")));
        }
        Optional<Duration> locked = lockout.lockedFor(email);
        if (locked.isPresent()) {
            long seconds = Math.max(1, (locked.get().toMillis() + 999) / 1000);
            throw new ProblemException(HttpStatus.TOO_MANY_REQUESTS, ProblemCodes.RATE_LIMITED,
                    "Too many failed logins", "Too many failed logins for this account; try again later.",
                    List.of(), Map.of(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
        }
        Optional<User> user = users.findByEmail(email);
        boolean valid;
        if (user.isPresent()) {
            valid = password.length() <= PasswordHasher.MAX_LENGTH && passwords.matches(password, user.get().passwordHash());
        } else {
            passwords.spendDecoyCheck(password);
            valid = false;
        }
        if (!valid) {
            lockout.recordFailure(email);
            throw new ProblemException(HttpStatus.UNAUTHORIZED, ProblemCodes.AUTH_INVALID, "Login failed",
                    "Invalid email or password.");
        }
        lockout.recordSuccess(email);
        return sessions.issue(user.get(), UUID.randomUUID());
    }
}
