package io.plansync.payment.auth;

import io.micronaut.http.HttpStatus;
import io.micronaut.security.authentication.Authentication;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;

import java.util.UUID;

/** The user id of an authenticated user: the token's subject, which identity-service issues as a UUID. */
public final class UserIds {
    private UserIds() {
    }

    public static UUID of(Authentication authentication) {
        try {
            return UUID.fromString(authentication.getName());
        } catch (IllegalArgumentException e) {
            throw new ProblemException(HttpStatus.UNAUTHORIZED, ProblemCodes.AUTH_INVALID, "Unauthorized",
                    "The token's subject is not a user id.");
        }
    }
}
