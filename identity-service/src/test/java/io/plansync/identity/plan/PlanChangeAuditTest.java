package io.plansync.identity.plan;

import com.nimbusds.jwt.SignedJWT;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.ForgedTokens;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.LogLines;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every attempt to change a plan by a verified caller, accepted or refused, leaves exactly one row in
 * plan_change_audit saying who tried (actor type, id and token jti), what they asked for, and how it ended; and that
 * table cannot be rewritten. Attempts without valid credentials are counted and logged instead: anyone can send them.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanChangeAuditTest implements TestPropertyProvider {
    private static final String T0 = "2025-06-01T12:00:00Z";

    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    private final TestDatabases.Database database = TestDatabases.fresh("identity");
    private final AuditTrail audit = new AuditTrail(database);

    @Inject
    Api api;

    @Inject
    MeterRegistry metrics;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.of(database, payment.properties(), TestAdmin.properties());
    }

    @Test
    void an_applied_change_by_an_admin_is_audited_with_the_admin_and_the_change() throws ParseException {
        UUID user = api.newUser("applied").id();
        String token = api.adminToken();
        String eventId = "evt_" + UUID.randomUUID();

        api.putPlan(user, Map.of("plan", "pro", "status", "active", "updatedBy", "admin-console",
                "timestamp", T0, "eventId", eventId), token);

        AuditTrail.Row row = audit.onlyRowFor(user);
        assertThat(row.actorType()).isEqualTo("user");
        assertThat(row.actorId()).isEqualTo(subjectOf(token));
        assertThat(row.tokenJti()).isEqualTo(jtiOf(token));
        assertThat(row.result()).isEqualTo("applied");
        assertThat(row.httpStatus()).isEqualTo(200);
        assertThat(row.code()).isNull();
        assertThat(row.fromPlan()).isEqualTo("free");
        assertThat(row.fromStatus()).isEqualTo("active");
        assertThat(row.toPlan()).isEqualTo("pro");
        assertThat(row.toStatus()).isEqualTo("active");
        assertThat(row.updatedBy()).isEqualTo("admin-console");
        assertThat(row.eventId()).isEqualTo(eventId);
        assertThat(row.sourceTimestamp()).isEqualTo(Instant.parse(T0));
    }

    @Test
    void an_applied_change_by_a_service_is_audited_with_the_service_and_its_jti() {
        UUID user = api.newUser("service").id();
        String token = payment.token("users:plan:write");

        assertThat(api.putPlanAsService(user, Api.planChange("pro", T0), token).status()).isEqualTo(200);

        AuditTrail.Row row = audit.onlyRowFor(user);
        assertThat(row.actorType()).isEqualTo("service");
        assertThat(row.actorId()).isEqualTo("payment-service");
        assertThat(row.tokenJti()).isEqualTo(ForgedTokens.claimsOf(token).getJWTID());
        assertThat(row.result()).isEqualTo("applied");
        assertThat(row.httpStatus()).isEqualTo(200);
    }

    @Test
    void a_stale_change_is_audited_as_stale() throws ParseException {
        UUID user = api.newUser("stale").id();
        String token = api.adminToken();
        api.putPlan(user, Api.planChange("pro", T0), token);

        api.putPlan(user, Api.planChange("enterprise", "2025-06-01T11:00:00Z"), token);

        List<AuditTrail.Row> rows = audit.rowsFor(user);
        assertThat(rows).extracting(AuditTrail.Row::result).containsExactly("applied", "stale");
        AuditTrail.Row stale = rows.getLast();
        assertThat(stale.httpStatus()).isEqualTo(200);
        assertThat(stale.code()).isNull();
        assertThat(stale.fromPlan()).isEqualTo("pro");
        assertThat(stale.toPlan()).isEqualTo("enterprise");
        assertThat(stale.tokenJti()).isEqualTo(jtiOf(token));
    }

    @Test
    void a_duplicate_event_is_audited_as_duplicate() {
        UUID user = api.newUser("duplicate").id();
        String eventId = "evt_" + UUID.randomUUID();
        api.putPlanAsService(user, Api.planChange("pro", T0, eventId), payment.token("users:plan:write"));

        api.putPlanAsService(user, Api.planChange("pro", "2025-06-01T13:00:00Z", eventId),
                payment.token("users:plan:write"));

        List<AuditTrail.Row> rows = audit.rowsFor(user);
        assertThat(rows).extracting(AuditTrail.Row::result).containsExactly("applied", "duplicate");
        assertThat(rows.getLast().httpStatus()).isEqualTo(200);
        assertThat(rows.getLast().eventId()).isEqualTo(eventId);
        assertThat(rows.getLast().actorType()).isEqualTo("service");
    }

    @Test
    void an_invalid_body_is_audited_as_refused_400() throws ParseException {
        UUID user = api.newUser("invalid").id();
        String token = api.adminToken();

        api.putPlan(user, Map.of("plan", "gold", "status", "active", "updatedBy", "admin-console", "timestamp", T0),
                token);

        AuditTrail.Row row = audit.onlyRowFor(user);
        assertRow(row, "user", subjectOf(token), jtiOf(token), 400, "VALIDATION_FAILED");
        assertThat(row.toPlan()).as("what was asked for, even though invalid").isEqualTo("gold");
        assertThat(row.sourceTimestamp()).isNull();
    }

    @Test
    void an_unreadable_body_is_audited_as_refused_400() throws ParseException {
        UUID user = api.newUser("unreadable").id();
        String token = api.adminToken();

        api.putPlan(user, "{not json", token);

        assertRow(audit.onlyRowFor(user), "user", subjectOf(token), jtiOf(token), 400, "VALIDATION_FAILED");
    }

    @Test
    void an_attempt_without_credentials_is_refused_401_counted_and_logged_but_not_audited() {
        UUID user = api.newUser("anonymous").id();
        AnonymousAttempts attempts = new AnonymousAttempts(metrics);
        double before = attempts.count(AnonymousAttempts.SINGLE, "refused", "AUTH_INVALID");

        try (LogLines log = LogLines.of(AnonymousPlanChanges.class)) {
            Reply reply = api.putPlan(user, Api.planChange("pro", T0), null);

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("AUTH_INVALID");
            assertThat(log.lines()).singleElement().asString()
                    .contains(AnonymousAttempts.SINGLE).contains(user.toString()).contains("401 AUTH_INVALID");
        }
        assertThat(audit.rowsFor(user)).isEmpty();
        assertThat(attempts.count(AnonymousAttempts.SINGLE, "refused", "AUTH_INVALID")).isEqualTo(before + 1);
    }

    @Test
    void an_attempt_with_a_refused_service_token_is_counted_but_not_audited() {
        UUID user = api.newUser("bad-service-token").id();
        String token = payment.sign(payment.claims("users:plan:write").audience("elsewhere").build());
        AnonymousAttempts attempts = new AnonymousAttempts(metrics);
        double before = attempts.count(AnonymousAttempts.SINGLE, "refused", "AUTH_SERVICE_TOKEN_INVALID");

        Reply reply = api.putPlanAsService(user, Api.planChange("pro", T0), token);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
        assertThat(audit.rowsFor(user)).isEmpty();
        assertThat(attempts.count(AnonymousAttempts.SINGLE, "refused", "AUTH_SERVICE_TOKEN_INVALID"))
                .isEqualTo(before + 1);
    }

    @Test
    void an_anonymous_attempt_with_a_nul_in_updated_by_is_refused_401_and_still_counted() {
        UUID user = api.newUser("nul").id();
        AnonymousAttempts attempts = new AnonymousAttempts(metrics);
        double before = attempts.count(AnonymousAttempts.SINGLE, "refused", "AUTH_INVALID");

        try (LogLines log = LogLines.of(AnonymousPlanChanges.class)) {
            Reply reply = api.putPlan(user, "{\"plan\": \"pro\", \"status\": \"active\", "
                    + "\"updatedBy\": \"\\u0000\", \"timestamp\": \"" + T0 + "\"}", null);

            assertThat(reply.status()).as("%s", reply).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("AUTH_INVALID");
            assertThat(log.lines()).singleElement().asString().contains(user.toString()).doesNotContain("\u0000");
        }
        assertThat(attempts.count(AnonymousAttempts.SINGLE, "refused", "AUTH_INVALID")).isEqualTo(before + 1);
        assertThat(audit.rowsFor(user)).isEmpty();
    }

    @Test
    void a_plain_user_is_audited_as_refused_403() throws ParseException {
        Api.TestUser user = api.newUser("plain");
        String token = api.accessToken(user);

        api.putPlan(user.id(), Api.planChange("enterprise", T0), token);

        assertRow(audit.onlyRowFor(user.id()), "user", user.id().toString(), jtiOf(token), 403, "FORBIDDEN");
    }

    @Test
    void a_service_without_the_scope_is_audited_as_refused_403() {
        UUID user = api.newUser("scope").id();
        String token = payment.token("users:read");

        api.putPlanAsService(user, Api.planChange("pro", T0), token);

        assertRow(audit.onlyRowFor(user), "service", "payment-service", ForgedTokens.claimsOf(token).getJWTID(), 403,
                "INSUFFICIENT_SCOPE");
    }

    @Test
    void an_unknown_user_is_audited_as_refused_404() throws ParseException {
        UUID unknown = UUID.randomUUID();
        String token = api.adminToken();

        api.putPlan(unknown, Api.planChange("pro", T0), token);
        api.putPlan("not-a-uuid", Api.planChange("pro", T0), token);

        assertRow(audit.onlyRowFor(unknown), "user", subjectOf(token), jtiOf(token), 404, "USER_NOT_FOUND");
        assertRow(audit.onlyRowFor("not-a-uuid"), "user", subjectOf(token), jtiOf(token), 404, "USER_NOT_FOUND");
    }

    @Test
    void the_audit_trail_refuses_update_delete_and_truncate() throws SQLException {
        UUID user = api.newUser("append-only").id();
        api.putPlan(user, Api.planChange("gold", T0), api.adminToken());
        AuditTrail.Row before = audit.onlyRowFor(user);

        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate(
                    "update plan_change_audit set result = 'applied', http_status = 200 where id = " + before.id()))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append only");
            assertThatThrownBy(() -> statement.executeUpdate(
                    "delete from plan_change_audit where id = " + before.id()))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append only");
            assertThatThrownBy(() -> statement.execute("truncate plan_change_audit"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append only");
        }

        assertThat(audit.onlyRowFor(user)).isEqualTo(before);
    }

    private static void assertRow(AuditTrail.Row row, String actorType, String actorId, String jti, int status,
                                  String code) {
        assertThat(row.actorType()).as("actor_type").isEqualTo(actorType);
        assertThat(row.actorId()).as("actor_id").isEqualTo(actorId);
        assertThat(row.tokenJti()).as("token_jti").isEqualTo(jti);
        assertThat(row.result()).as("result").isEqualTo("refused");
        assertThat(row.httpStatus()).as("http_status").isEqualTo(status);
        assertThat(row.code()).as("code").isEqualTo(code);
    }

    private static String subjectOf(String token) throws ParseException {
        return SignedJWT.parse(token).getJWTClaimsSet().getSubject();
    }

    private static String jtiOf(String token) throws ParseException {
        return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
    }
}
