package io.plansync.identity.accounts;

import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;

import java.util.Optional;
import java.util.UUID;

/** User ids in paths: a value that is not a UUID names no user, so it is a 404 like any unknown id. */
public final class UserIds {
    private UserIds() {
    }

    public static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static ProblemException notFound() {
        return new ProblemException(HttpStatus.NOT_FOUND, ProblemCodes.USER_NOT_FOUND, "User not found",
                "No user has this id.");
    }
}
