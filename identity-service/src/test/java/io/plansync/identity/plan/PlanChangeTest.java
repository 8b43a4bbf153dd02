package io.plansync.identity.plan;

import io.micronaut.http.HttpHeaders;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanFeatures;
import io.plansync.identity.Api;
import io.plansync.identity.Concurrently;
import io.plansync.identity.IdentitySigningKey;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import jakarta.inject.Inject;
import io.plansync.testing.Eventually;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code PUT /admin/users/{id}/plan} as an admin uses it: the change shows on the user's account, older and repeated
 * changes change nothing, and bad requests and callers are refused. (Service tokens: ServiceTokenTest; the audit
 * trail of all of these: PlanChangeAuditTest.)
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanChangeTest implements TestPropertyProvider {
    private static final String T0 = "2025-06-01T12:00:00Z";
    private static final String ONE_HOUR_EARLIER = "2025-06-01T11:00:00Z";
    private static final String ONE_HOUR_LATER = "2025-06-01T13:00:00Z";

    private final IdentitySigningKey signingKey = new IdentitySigningKey();

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(signingKey.properties(), TestAdmin.properties());
    }

    @Test
    void an_admin_changes_a_plan_and_the_user_sees_it() {
        Api.TestUser user = api.newUser("upgraded");
        Map<String, Object> body = Map.of("plan", "pro", "status", "active", "updatedBy", "admin-console",
                "timestamp", T0, "eventId", "evt_" + UUID.randomUUID());

        Reply reply = api.putPlan(user.id(), body, api.adminToken());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsOnlyKeys("success", "userId", "plan", "status", "updatedBy", "timestamp",
                        "applied")
                .containsEntry("success", true)
                .containsEntry("userId", user.id().toString())
                .containsEntry("plan", "pro")
                .containsEntry("status", "active")
                .containsEntry("updatedBy", "admin-console")
                .containsEntry("timestamp", T0)
                .containsEntry("applied", true);
        assertThat(me(user)).containsEntry("plan", "pro").containsEntry("status", "active");
    }

    @Test
    void a_super_admin_changes_a_plan_but_an_operator_may_not() {
        Api.TestUser staff = api.newUser("staff");
        Api.TestUser user = api.newUser("by-role");

        Reply operator = api.putPlan(user.id(), Api.planChange("enterprise", T0),
                signingKey.sign(signingKey.claims(staff.id(), "user", "operator").build()));
        assertThat(operator.status()).isEqualTo(403);
        assertThat(me(user)).containsEntry("plan", "free");

        Reply superAdmin = api.putPlan(user.id(), Api.planChange("enterprise", T0),
                signingKey.sign(signingKey.claims(staff.id(), "user", "super_admin").build()));
        assertThat(superAdmin.status()).isEqualTo(200);
        assertThat(me(user)).containsEntry("plan", "enterprise");
    }

    @Test
    void a_status_change_is_applied_too() {
        Api.TestUser user = api.newUser("inactive");

        Reply reply = api.putPlan(user.id(), Map.of("plan", "enterprise", "status", "inactive",
                "updatedBy", "admin-console", "timestamp", T0), api.adminToken());

        assertThat(reply.json()).containsEntry("applied", true);
        assertThat(me(user)).containsEntry("plan", "enterprise").containsEntry("status", "inactive");
    }

    @Test
    void an_older_change_is_not_applied_but_a_newer_one_is() {
        Api.TestUser user = api.newUser("ordering");
        String admin = api.adminToken();
        api.putPlan(user.id(), Api.planChange("pro", T0), admin);

        Reply stale = api.putPlan(user.id(), Api.planChange("enterprise", ONE_HOUR_EARLIER), admin);

        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.json()).containsEntry("success", true).containsEntry("applied", false);
        assertThat(me(user)).containsEntry("plan", "pro");

        Reply newer = api.putPlan(user.id(), Api.planChange("free", ONE_HOUR_LATER), admin);

        assertThat(newer.json()).containsEntry("applied", true);
        assertThat(me(user)).containsEntry("plan", "free");
    }

    @Test
    void an_offset_timestamp_is_compared_as_the_instant_it_names() {
        Api.TestUser user = api.newUser("offsets");
        String admin = api.adminToken();
        api.putPlan(user.id(), Api.planChange("pro", T0), admin);

        // 12:30 in UTC+01:00 is 11:30Z: older than T0, though it reads later.
        Reply reply = api.putPlan(user.id(), Api.planChange("enterprise", "2025-06-01T12:30:00+01:00"), admin);

        assertThat(reply.json()).containsEntry("applied", false);
        assertThat(me(user)).containsEntry("plan", "pro");
    }

    @Test
    void the_same_event_id_is_not_applied_twice() {
        Api.TestUser user = api.newUser("redelivered");
        String admin = api.adminToken();
        String eventId = "evt_" + UUID.randomUUID();
        assertThat(api.putPlan(user.id(), Api.planChange("pro", T0, eventId), admin).json())
                .containsEntry("applied", true);

        // Even at a later time, so only the event id can stop it.
        Reply again = api.putPlan(user.id(), Api.planChange("enterprise", ONE_HOUR_LATER, eventId), admin);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).containsEntry("success", true).containsEntry("applied", false);
        assertThat(me(user)).containsEntry("plan", "pro");
    }

    @Test
    void the_same_event_delivered_many_times_at_once_is_applied_once() throws Exception {
        Api.TestUser user = api.newUser("concurrent");
        String admin = api.adminToken();
        String eventId = "evt_" + UUID.randomUUID();

        List<Reply> replies = Concurrently.run(8,
                () -> api.putPlan(user.id(), Api.planChange("pro", T0, eventId), admin));

        assertThat(replies).extracting(Reply::status).containsOnly(200);
        assertThat(replies).extracting(r -> r.json().get("applied")).containsOnlyOnce(true).containsOnly(true, false);
        assertThat(me(user)).containsEntry("plan", "pro");
    }

    @Test
    void an_unknown_plan_is_refused() {
        assertInvalid(Map.of("plan", "gold", "status", "active", "updatedBy", "x", "timestamp", T0));
    }

    @Test
    void an_unknown_status_is_refused() {
        assertInvalid(Map.of("plan", "pro", "status", "paused", "updatedBy", "x", "timestamp", T0));
    }

    @Test
    void a_timestamp_that_is_not_iso_8601_is_refused() {
        assertInvalid(Map.of("plan", "pro", "status", "active", "updatedBy", "x", "timestamp", "yesterday"));
        assertInvalid(Map.of("plan", "pro", "status", "active", "updatedBy", "x", "timestamp", "1748779200"));
    }

    @Test
    void a_timestamp_beyond_the_allowed_clock_skew_is_refused_naming_timestamp() {
        String inTwoMinutes = Instant.now().plusSeconds(120).toString();

        Reply reply = assertInvalid(Map.of("plan", "pro", "status", "active", "updatedBy", "x",
                "timestamp", inTwoMinutes));

        assertThat(reply.json().get("errors")).asInstanceOf(InstanceOfAssertFactories.LIST).singleElement()
                .satisfies(e -> assertThat(((Map<?, ?>) e).get("field")).isEqualTo("timestamp"));
    }

    @Test
    void a_timestamp_just_ahead_within_the_allowed_clock_skew_is_accepted() {
        Api.TestUser user = api.newUser("skew");

        Reply reply = api.putPlan(user.id(), Api.planChange("pro", Instant.now().plusSeconds(5).toString()),
                api.adminToken());

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertThat(reply.json()).containsEntry("applied", true);
    }

    // --- a plan with an end: validUntil ----------------------------------------------------------------------

    @Test
    void a_plan_holds_until_its_valid_until_and_then_the_user_holds_free_without_another_change() {
        Api.TestUser user = api.newUser("expiring");
        Instant end = Instant.now().plusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Map<String, Object> body = Map.of("plan", "pro", "status", "active", "updatedBy", "payment-service",
                "timestamp", Instant.now().toString(), "eventId", "evt_" + UUID.randomUUID(),
                "validUntil", end.toString());

        assertThat(api.putPlan(user.id(), body, api.adminToken()).status()).isEqualTo(200);

        assertThat(me(user)).containsEntry("plan", "pro").containsEntry("validUntil", end.toString())
                .containsEntry("entitlements", PlanFeatures.of(Plan.PRO));
        assertThat(api.get("/admin/users/" + user.id(), api.adminToken()).json()).containsEntry("plan", "pro");
        Eventually.await("the plan to end at " + end, Duration.ofSeconds(15), () -> me(user).get("plan"),
                "free"::equals);
        assertThat(Instant.now()).isAfterOrEqualTo(end);
        assertThat(api.get("/admin/users/" + user.id(), api.adminToken()).json())
                .containsEntry("plan", "free").containsEntry("validUntil", end.toString())
                .containsEntry("entitlements", List.of());
    }

    @Test
    void a_subscriptions_statuses_are_accepted_and_shown() {
        for (String status : List.of("trialing", "past_due", "canceled", "active")) {
            Api.TestUser user = api.newUser("status-" + status);
            String plan = "canceled".equals(status) ? "free" : "pro";
            Reply reply = api.putPlan(user.id(), Map.of("plan", plan, "status", status, "updatedBy",
                    "payment-service", "timestamp", T0, "validUntil",
                    Instant.now().plus(Duration.ofDays(3)).toString()), api.adminToken());

            assertThat(reply.status()).as(status).isEqualTo(200);
            assertThat(me(user)).containsEntry("plan", plan).containsEntry("status", status);
        }
    }

    @Test
    void a_later_change_without_valid_until_makes_the_plan_last() {
        Api.TestUser user = api.newUser("renewed-for-good");
        api.putPlan(user.id(), Map.of("plan", "pro", "status", "active", "updatedBy", "x", "timestamp", T0,
                "validUntil", ONE_HOUR_LATER), api.adminToken());

        api.putPlan(user.id(), Api.planChange("enterprise", ONE_HOUR_LATER), api.adminToken());

        assertThat(me(user)).containsEntry("plan", "enterprise").containsEntry("validUntil", null);
    }

    @Test
    void a_valid_until_that_is_not_a_time_or_is_before_the_change_is_refused_naming_it() {
        for (String validUntil : List.of("next month", ONE_HOUR_EARLIER)) {
            Reply reply = assertInvalid(Map.of("plan", "pro", "status", "active", "updatedBy", "x", "timestamp", T0,
                    "validUntil", validUntil));

            assertThat(reply.json().get("errors")).asInstanceOf(InstanceOfAssertFactories.LIST).singleElement()
                    .satisfies(e -> assertThat(((Map<?, ?>) e).get("field")).isEqualTo("validUntil"));
        }
    }

    @Test
    void each_missing_field_is_refused() {
        Map<String, Object> complete = Map.of("plan", "pro", "status", "active", "updatedBy", "x", "timestamp", T0);
        for (String field : complete.keySet()) {
            Map<String, Object> body = new HashMap<>(complete);
            body.remove(field);
            Reply reply = assertInvalid(body);
            assertThat(reply.body()).as("errors name the missing %s", field).contains("\"" + field + "\"");
        }
    }

    @Test
    void an_empty_object_is_refused() {
        assertInvalid(Map.of());
    }

    @Test
    void unparseable_json_is_refused_without_echoing_it() {
        Reply reply = assertInvalid("{\"plan\": \"pro\", \"status\": SECRET-VALUE");

        assertThat(reply.body()).doesNotContain("SECRET-VALUE");
    }

    @Test
    void an_empty_body_is_refused() {
        assertInvalid("");
    }

    @Test
    void no_credentials_is_401_with_www_authenticate_bearer() {
        Api.TestUser user = api.newUser("anonymous");

        Reply reply = api.putPlan(user.id(), Api.planChange("pro", T0), null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_INVALID");
        assertThat(reply.header(HttpHeaders.WWW_AUTHENTICATE)).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        assertThat(me(user)).containsEntry("plan", "free");
    }

    @Test
    void a_plain_user_may_not_change_plans_not_even_its_own() {
        Api.TestUser user = api.newUser("self-upgrade");

        Reply reply = api.putPlan(user.id(), Api.planChange("enterprise", T0), api.accessToken(user));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("FORBIDDEN");
        assertThat(me(user)).containsEntry("plan", "free");
    }

    @Test
    void an_unknown_user_is_404_user_not_found() {
        String admin = api.adminToken();

        Reply unknown = api.putPlan(UUID.randomUUID(), Api.planChange("pro", T0), admin);
        Reply notAnId = api.putPlan("not-a-uuid", Api.planChange("pro", T0), admin);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("USER_NOT_FOUND");
        assertThat(notAnId.status()).isEqualTo(404);
        assertThat(notAnId.code()).isEqualTo("USER_NOT_FOUND");
    }

    /** Sends an invalid body as the admin: 400 VALIDATION_FAILED, and the user's plan is unchanged. */
    private Reply assertInvalid(Object body) {
        Api.TestUser user = api.newUser("invalid");

        Reply reply = api.putPlan(user.id(), body, api.adminToken());

        assertThat(reply.status()).as("status for %s", body).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("VALIDATION_FAILED");
        assertThat(reply.contentType()).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(me(user)).containsEntry("plan", "free");
        return reply;
    }

    private Map<String, Object> me(Api.TestUser user) {
        Reply reply = api.get("/users/me", api.accessToken(user));
        assertThat(reply.status()).isEqualTo(200);
        return reply.json();
    }
}
