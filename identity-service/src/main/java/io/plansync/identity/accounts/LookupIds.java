package io.plansync.identity.accounts;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.UserLookup;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The ids of a user lookup: 1 to {@link UserLookup#MAX_IDS} user ids, each named in the 400 when it is not one. */
final class LookupIds {
    private LookupIds() {
    }

    static List<UUID> parse(@Nullable List<String> ids) {
        if (ids == null || ids.isEmpty() || ids.size() > UserLookup.MAX_IDS) {
            throw ProblemException.validation(List.of(new Problem.FieldError("ids",
                    "must hold 1 to " + UserLookup.MAX_IDS + " user ids")));
        }
        List<UUID> parsed = new ArrayList<>(ids.size());
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Optional<UUID> id = ids.get(i) == null ? Optional.empty() : UserIds.parse(ids.get(i));
            if (id.isPresent()) {
                parsed.add(id.get());
            } else if (errors.size() < 10) {
                errors.add(new Problem.FieldError("ids[" + i + "]", "is not a user id"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return parsed;
    }
}
