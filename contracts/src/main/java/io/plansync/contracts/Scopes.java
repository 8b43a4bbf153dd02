package io.plansync.contracts;

/** Scopes a service token may carry in its space separated {@code scope} claim. */
public final class Scopes {
    /** Change a user's plan: {@code PUT /admin/users/{id}/plan} and {@code POST /admin/plan-changes}. */
    public static final String USERS_PLAN_WRITE = "users:plan:write";
    /** Read a user: {@code GET /admin/users/{id}}. */
    public static final String USERS_READ = "users:read";

    private Scopes() {
    }
}
