package io.plansync.contracts;

import java.util.List;

/**
 * {@code POST /admin/users/lookup} on identity-service: many users read at once, as {@code GET /admin/users/{id}}
 * shows each (scope {@code users:read}). Reconciliation compares users in batches with it instead of one request per
 * user.
 */
public final class UserLookup {
    public static final String PATH = "/admin/users/lookup";
    public static final int MAX_IDS = 1000;

    private UserLookup() {
    }

    /** 1 to {@link #MAX_IDS} user ids. */
    public record Request(List<String> ids) {
    }

    /** The users found, in no particular order, and the ids of none. */
    public record Response(List<UserView> users, List<String> missing) {
    }
}
