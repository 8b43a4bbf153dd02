package io.plansync.identity;

import java.util.Map;

/**
 * The admin that tests of admin-only endpoints configure as identity.bootstrap-admin, so that they can log in as an
 * admin over HTTP ({@link Api#adminToken()}) like an operator would.
 */
public final class TestAdmin {
    public static final String EMAIL = "admin@plansync.test";
    public static final String PASSWORD = "admin password for tests";

    private TestAdmin() {
    }

    /** Makes identity-service create this admin on start. */
    public static Map<String, String> properties() {
        return Map.of("identity.bootstrap-admin.email", EMAIL, "identity.bootstrap-admin.password", PASSWORD);
    }
}
