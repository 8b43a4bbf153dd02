package io.plansync.identity;

import io.plansync.testing.ServiceProcess;
import io.plansync.testing.TestDatabases;

import java.util.HashMap;
import java.util.Map;

/** Properties for an identity-service under test: a fresh database, cheap password hashing, extra settings. */
public final class IdentityTestProperties {
    private IdentityTestProperties() {
    }

    /** On a database of its own; the extra settings (a fixture's, the test's) are applied in order. */
    @SafeVarargs
    public static Map<String, String> freshDatabase(Map<String, String>... extra) {
        return of(TestDatabases.fresh("identity"), extra);
    }

    /** For tests that also read the database themselves (audit trail, lock-outs) or start a second instance on it. */
    @SafeVarargs
    public static Map<String, String> of(TestDatabases.Database database, Map<String, String>... extra) {
        Map<String, String> properties = new HashMap<>(database.datasourceProperties());
        // Argon2id at its cheapest keeps the suite fast; production cost is configured in application.properties.
        properties.put("identity.passwords.memory-kib", "1024");
        properties.put("identity.passwords.iterations", "1");
        // Every test request comes from 127.0.0.1: the per-address limits would soon refuse a suite's worth.
        // Tests of the limits themselves set their own.
        properties.put("identity.rate-limits.auth-requests", "100000");
        properties.put("identity.rate-limits.failed-logins", "100000");
        properties.put("identity.rate-limits.anonymous-plan-changes", "100000");
        // application.properties pins 8081; a test server takes a free port so it never meets a running service.
        properties.put("micronaut.server.port", "-1");
        // The management port is a real number: Micronaut routes its endpoints by the port a request arrived on.
        properties.put("endpoints.all.port", Integer.toString(ServiceProcess.freePort()));
        for (Map<String, String> settings : extra) {
            properties.putAll(settings);
        }
        return properties;
    }
}
