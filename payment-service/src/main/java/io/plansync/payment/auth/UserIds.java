package io.plansync.payment.auth;

import io.micronaut.http.HttpStatus;
import io.micronaut.security.authentication.Authentication;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;

import java.util.List;
import java.util.UUID;

/**
 * User ids, which identity-service issues as UUIDs: an authenticated user's (the token's subject), or one a request
 * names (a path or a field), refused with 400 {@code VALIDATION_FAILED} naming the field when it is not one.
 */
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

    /** The user id a request names in {@code field}. */
    public static UUID given(String field, String value) {
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            throw ProblemException.validation(List.of(new Problem.FieldError(field, "must be a user id (a UUID)")));
        }
    }
}
