package io.plansync.identity.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentitySigningKey;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.TestAdmin;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** identity-service's domain metrics: logins by outcome, and plan changes applied, stale or duplicate. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DomainMetricsTest implements TestPropertyProvider {
    private final IdentitySigningKey signingKey = new IdentitySigningKey();

    @Inject
    Api api;

    @Inject
    MeterRegistry metrics;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(signingKey.properties(), TestAdmin.properties());
    }

    @Test
    void logins_are_counted_by_outcome() {
        Api.TestUser user = api.newUser("metrics-login");
        double succeeded = count("plansync.logins", "success");
        double failed = count("plansync.logins", "failed");

        api.login(user.email(), Api.PASSWORD);
        api.login(user.email(), "a wrong password 1234");

        assertThat(count("plansync.logins", "success")).isEqualTo(succeeded + 1);
        assertThat(count("plansync.logins", "failed")).isEqualTo(failed + 1);
    }

    @Test
    void plan_changes_are_counted_as_applied_stale_or_duplicate() {
        Api.TestUser user = api.newUser("metrics-plan");
        String admin = api.adminToken();
        double applied = count("plansync.plan.changes", "applied");
        double stale = count("plansync.plan.changes", "stale");
        double duplicate = count("plansync.plan.changes", "duplicate");
        String eventId = "evt_" + UUID.randomUUID();

        api.putPlan(user.id(), Api.planChange("pro", "2025-06-01T12:00:00Z", eventId), admin);
        api.putPlan(user.id(), Api.planChange("pro", "2025-06-01T12:00:00Z", eventId), admin);
        api.putPlan(user.id(), Api.planChange("enterprise", "2025-06-01T11:00:00Z"), admin);

        assertThat(count("plansync.plan.changes", "applied")).isEqualTo(applied + 1);
        assertThat(count("plansync.plan.changes", "duplicate")).isEqualTo(duplicate + 1);
        assertThat(count("plansync.plan.changes", "stale")).isEqualTo(stale + 1);
    }

    private double count(String name, String outcome) {
        var counter = metrics.find(name).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
