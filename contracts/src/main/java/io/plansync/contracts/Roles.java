package io.plansync.contracts;

/** Role names carried in the {@code roles} claim of user access tokens. */
public final class Roles {
    public static final String USER = "user";
    public static final String ADMIN = "admin";
    public static final String SUPER_ADMIN = "super_admin";
    public static final String OPERATOR = "operator";

    private Roles() {
    }
}
