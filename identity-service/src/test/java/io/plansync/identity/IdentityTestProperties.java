package io.plansync.identity;

import io.plansync.testing.TestDatabases;

import java.util.HashMap;
import java.util.Map;

/** Properties for an identity-service under test: a fresh database, cheap password hashing, extra settings. */
public final class IdentityTestProperties {
    private IdentityTestProperties() {
    }

    public static Map<String, String> freshDatabase(Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(TestDatabases.fresh("identity").datasourceProperties());
        // Argon2id at its cheapest keeps the suite fast; production cost is configured in application.yml.
        properties.put("identity.passwords.memory-kib", "1024");
        properties.put("identity.passwords.iterations", "1");
        properties.putAll(extra);
        return properties;
    }
}
