package io.plansync.identity.accounts;

import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.contracts.Roles;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Creates an account on the free plan. */
@Singleton
public class RegisterUser {
    private final UserRepository users;
    private final PasswordHasher passwords;

    public RegisterUser(UserRepository users, PasswordHasher passwords) {
        this.users = users;
        this.passwords = passwords;
    }

    public User register(String rawEmail, String password) {
        String email = Emails.normalize(rawEmail);
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!Emails.isValid(email)) {
            errors.add(new Problem.FieldError("email", "must be a valid email address"));
        }
        if (!PasswordHasher.isStrongEnough(password)) {
            errors.add(new Problem.FieldError("password", "must be " + PasswordHasher.MIN_LENGTH + " to "
                    + PasswordHasher.MAX_LENGTH + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        UUID id = UUID.randomUUID();
        if (users.insertIfEmailFree(id, email, passwords.hash(password), Roles.USER) == 0) {
            throw new ProblemException(HttpStatus.CONFLICT, ProblemCodes.EMAIL_TAKEN, "Email already registered",
                    "An account with this email exists.");
        }
        return users.findById(id).orElseThrow();
    }
}
