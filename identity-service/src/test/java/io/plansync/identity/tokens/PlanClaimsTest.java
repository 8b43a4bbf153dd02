package io.plansync.identity.tokens;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanFeatures;
import io.plansync.contracts.UserTokens;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application can authorise a feature from the token alone: access tokens carry the plan the user held when they
 * were issued and a plan version that grows with every applied change, and a refresh hands out the new plan at once.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanClaimsTest implements TestPropertyProvider {
    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(TestAdmin.properties());
    }

    @Test
    void a_new_users_token_carries_the_free_plan_at_version_zero() throws Exception {
        Api.TestUser user = api.newUser("claims");

        JWTClaimsSet claims = claimsOf(api.accessToken(user));

        assertThat(claims.getStringClaim(UserTokens.CLAIM_PLAN)).isEqualTo("free");
        assertThat(claims.getLongClaim(UserTokens.CLAIM_PLAN_VERSION)).isZero();
        assertThat(claims.getStringListClaim(UserTokens.CLAIM_ENTITLEMENTS)).isEmpty();
    }

    @Test
    void a_refresh_after_a_plan_change_carries_the_new_plan_and_a_higher_version() throws Exception {
        Api.TestUser user = api.newUser("upgraded-claims");
        Reply login = api.login(user.email(), Api.PASSWORD);
        long before = claimsOf((String) login.json().get("access_token")).getLongClaim(UserTokens.CLAIM_PLAN_VERSION);

        change(user, "pro", null);
        Reply refreshed = api.refresh((String) login.json().get("refresh_token"));

        JWTClaimsSet claims = claimsOf((String) refreshed.json().get("access_token"));
        assertThat(claims.getStringClaim(UserTokens.CLAIM_PLAN)).isEqualTo("pro");
        assertThat(claims.getLongClaim(UserTokens.CLAIM_PLAN_VERSION)).isEqualTo(before + 1);
        assertThat(claims.getStringListClaim(UserTokens.CLAIM_ENTITLEMENTS))
                .isEqualTo(PlanFeatures.of(Plan.PRO)).contains("api.access");
    }

    @Test
    void a_token_issued_after_the_plans_paid_time_ended_carries_free() throws Exception {
        Api.TestUser user = api.newUser("lapsed-claims");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        change(user, "enterprise", now);

        JWTClaimsSet claims = claimsOf(api.accessToken(user));

        assertThat(claims.getStringClaim(UserTokens.CLAIM_PLAN)).isEqualTo("free");
        assertThat(claims.getLongClaim(UserTokens.CLAIM_PLAN_VERSION)).isEqualTo(1);
        assertThat(claims.getStringListClaim(UserTokens.CLAIM_ENTITLEMENTS)).as("free's features").isEmpty();
    }

    private void change(Api.TestUser user, String plan, Instant validUntil) {
        Instant now = Instant.now();
        Map<String, Object> body = validUntil == null
                ? Map.of("plan", plan, "status", "active", "updatedBy", "test", "timestamp", now.toString(),
                "eventId", "evt_" + UUID.randomUUID())
                : Map.of("plan", plan, "status", "active", "updatedBy", "test", "timestamp", validUntil.toString(),
                "eventId", "evt_" + UUID.randomUUID(), "validUntil", validUntil.toString());
        assertThat(api.putPlan(user.id(), body, api.adminToken()).status()).isEqualTo(200);
    }

    private static JWTClaimsSet claimsOf(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet();
    }
}
