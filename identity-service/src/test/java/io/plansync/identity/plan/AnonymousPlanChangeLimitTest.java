package io.plansync.identity.plan;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpHeaders;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plan changes without valid credentials are limited per client address (2 an hour here): past that they get 429
 * instead of 401, are still counted, and are never audited. Verified callers are not limited by it.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnonymousPlanChangeLimitTest implements TestPropertyProvider {
    private static final String T0 = "2025-06-01T12:00:00Z";

    private final TestDatabases.Database database = TestDatabases.fresh("identity");
    private final AuditTrail audit = new AuditTrail(database);

    @Inject
    Api api;

    @Inject
    MeterRegistry metrics;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.of(database, TestAdmin.properties(), Map.of(
                "identity.rate-limits.anonymous-plan-changes", "2",
                "identity.rate-limits.anonymous-plan-changes-period", "1h"));
    }

    @Test
    void an_address_past_its_limit_gets_429_and_verified_callers_are_not_limited() {
        UUID user = api.newUser("target").id();
        AnonymousAttempts attempts = new AnonymousAttempts(metrics);
        long before = audit.lastId();

        Reply first = api.putPlan(user, Api.planChange("pro", T0), null);
        Reply second = api.postPlanChanges(Map.of("changes", List.of(Map.of("userId", user.toString(),
                "plan", "pro", "status", "active", "updatedBy", "x", "timestamp", T0))), null);
        Reply third = api.putPlan(user, Api.planChange("pro", T0), "not.a.token");

        assertThat(first.status()).isEqualTo(401);
        assertThat(second.status()).isEqualTo(401);
        assertThat(third.status()).as("%s", third).isEqualTo(429);
        assertThat(third.code()).isEqualTo("RATE_LIMITED");
        assertThat(Long.parseLong(third.header(HttpHeaders.RETRY_AFTER).orElseThrow())).isBetween(1L, 1800L);
        assertThat(attempts.count(AnonymousAttempts.SINGLE, "rate_limited", "RATE_LIMITED")).isEqualTo(1);
        assertThat(audit.rowsAfter(before)).isEmpty();

        String admin = api.adminToken();
        assertThat(api.putPlan(user, Api.planChange("pro", T0), admin).status()).isEqualTo(200);
        assertThat(audit.rowsAfter(before)).extracting(AuditTrail.Row::result).containsExactly("applied");
    }
}
