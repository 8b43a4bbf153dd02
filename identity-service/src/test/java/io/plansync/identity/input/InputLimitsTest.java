package io.plansync.identity.input;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.ServiceTokens;
import io.plansync.identity.IdentitySigningKey;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.fuzz.Answer;
import io.plansync.testing.fuzz.HttpProbe;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input no field takes (control characters, over-long values, duplicate members, broken escapes) is refused with
 * 400 VALIDATION_FAILED naming the field or parameter, before authentication and any database work: nothing is
 * audited, no plan changes, and a service token sent with it is not spent.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputLimitsTest implements TestPropertyProvider {
    private static final String PASSWORD = "a long enough password";

    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    private final TestDatabases.Database database = TestDatabases.fresh("identity");
    private final IdentitySigningKey signingKey = new IdentitySigningKey();
    private HttpProbe probe;
    private UUID userId;

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.of(database, payment.properties(), signingKey.properties());
    }

    @BeforeAll
    void registerAUser() {
        probe = new HttpProbe("127.0.0.1", server.getPort());
        Answer registered = post("/auth/register", "{\"email\":\"limits@example.com\",\"password\":\"" + PASSWORD + "\"}",
                Map.of());
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        userId = UUID.fromString(registered.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
    }

    @Test
    void a_control_character_in_a_plan_change_is_refused_naming_the_field_and_nothing_is_written() throws SQLException {
        long auditRows = count("select count(*) from plan_change_audit");

        Answer answer = putPlan("{\"plan\":\"pro\",\"status\":\"active\",\"updatedBy\":\"ops\\u0000\","
                + "\"timestamp\":\"2026-01-01T00:00:00Z\"}", Map.of("Authorization", "Bearer " + adminToken()));

        assertRefused(answer, "updatedBy", "must not contain control characters");
        assertThat(count("select count(*) from plan_change_audit")).isEqualTo(auditRows);
        assertThat(count("select count(*) from users where plan <> 'free'")).isZero();
    }

    @Test
    void a_service_token_sent_with_a_refused_body_is_refused_naming_the_field() {
        // The caller is authenticated before the body is judged (a caller without credentials gets 401 first), so
        // the refused request spends its single-use token; the next request comes with a fresh one, as the relay's do.
        Map<String, String> headers = Map.of("Authorization", "Bearer " + payment.token("users:plan:write"),
                ServiceTokens.HEADER_SERVICE, ServiceTokens.CLIENT_PAYMENT_SERVICE);
        Map<String, String> next = Map.of("Authorization", "Bearer " + payment.token("users:plan:write"),
                ServiceTokens.HEADER_SERVICE, ServiceTokens.CLIENT_PAYMENT_SERVICE);

        Answer refused = putPlan("{\"plan\":\"pro\",\"status\":\"active\",\"updatedBy\":\"payment-service\","
                + "\"timestamp\":\"2026-01-01T00:00:00Z\",\"eventId\":\"evt_\\ud800\"}", headers);
        Answer accepted = putPlan("{\"plan\":\"free\",\"status\":\"active\",\"updatedBy\":\"payment-service\","
                + "\"timestamp\":\"2026-01-01T00:00:00Z\"}", next);

        assertRefused(refused, "eventId", "must be valid Unicode text");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
    }

    @Test
    void an_over_long_value_is_refused_naming_the_field() {
        Answer answer = post("/auth/register", "{\"email\":\"" + "a".repeat(2049) + "@example.com\",\"password\":\""
                + PASSWORD + "\"}", Map.of());

        assertRefused(answer, "email", "must be at most 2048 characters");
    }

    @Test
    void a_member_sent_twice_is_refused() {
        Answer answer = post("/auth/register", "{\"email\":\"twice@example.com\",\"password\":\"wrong password!!\","
                + "\"password\":\"" + PASSWORD + "\"}", Map.of());

        assertRefused(answer, "password", "must appear only once");
    }

    @Test
    void a_control_character_in_a_path_variable_is_refused_naming_the_variable() {
        Answer answer = probe.send("GET", "/admin/users/%00", Map.of("Authorization", "Bearer " + adminToken()), null);

        assertRefused(answer, "id", "must not contain control characters");
    }

    @Test
    void a_control_character_in_a_query_value_is_refused_naming_the_parameter() {
        Answer answer = probe.send("GET", "/users/me?view=a%0d%0ab", Map.of("Authorization", "Bearer " + userToken()),
                null);

        assertRefused(answer, "view", "must not contain control characters");
    }

    @Test
    void bytes_that_are_not_utf8_in_a_path_variable_are_refused_naming_the_variable() {
        Answer answer = probe.send("GET", "/admin/users/%ED%A0%80", Map.of("Authorization", "Bearer " + adminToken()),
                null);

        assertRefused(answer, "id", "must be percent-encoded UTF-8");
    }

    @Test
    void a_charset_java_does_not_know_is_415() {
        Answer answer = probe.send("POST", "/auth/login", Map.of("Content-Type", "application/json; charset=nonsense"),
                "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(415);
        assertThat(answer.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    }

    private static void assertRefused(Answer answer, String field, String message) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo("VALIDATION_FAILED");
        assertThat(answer.body()).contains("{\"field\":\"" + field + "\",\"message\":\"" + message + "\"}");
    }

    private Answer putPlan(String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return probe.send("PUT", "/admin/users/" + userId + "/plan", all, body.getBytes(StandardCharsets.UTF_8));
    }

    private Answer post(String path, String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return probe.send("POST", path, all, body.getBytes(StandardCharsets.UTF_8));
    }

    private String adminToken() {
        return signingKey.sign(signingKey.claims(userId, "user", "admin").build());
    }

    private String userToken() {
        return signingKey.sign(signingKey.claims(userId, "user").build());
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
