package io.plansync.payment.outbox;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.testing.Eventually;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.RunningIdentity;
import io.plansync.testing.ServiceProcess;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Operators find every plan that did not reach identity-service and replay it once the cause is fixed. Here the
 * cause is an outage with a single attempt allowed, so every change made during it goes dead.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorEndpointsTest implements TestPropertyProvider {
    private static final Argument<Map<String, Object>> JSON = Argument.mapOf(String.class, Object.class);

    private final int paymentPort = ServiceProcess.freePort();
    private final StripeStandIn stripe = new StripeStandIn();
    private final TestDatabases.Database database = TestDatabases.fresh("payments");
    private RunningIdentity identity;
    private String adminToken;
    private String adminId;
    private final List<UUID> users = new ArrayList<>();
    private final List<Long> deadRows = new ArrayList<>();

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        identity = new RunningIdentity("http://127.0.0.1:" + paymentPort + "/.well-known/jwks.json");
        Map<String, String> properties = new HashMap<>(PaymentTestProperties.of(database, stripe.url(),
                identity.url(), identity.jwksUrl(), Map.of("plansync.outbox.max-attempts", "1")));
        properties.put("micronaut.server.port", Integer.toString(paymentPort));
        return properties;
    }

    @BeforeAll
    void makeThreeDeadRows() {
        adminToken = identity.login(RunningIdentity.ADMIN_EMAIL, RunningIdentity.ADMIN_PASSWORD);
        adminId = http.toBlocking().retrieve(HttpRequest.GET(identity.url() + "/users/me").bearerAuth(adminToken),
                JSON).get("id").toString();
        for (int i = 0; i < 3; i++) {
            users.add(identity.register("stuck-" + i + "-" + UUID.randomUUID() + "@example.com"));
        }
        identity.stop();
        try {
            long created = Instant.now().getEpochSecond();
            for (UUID user : users) {
                String eventId = "evt_" + UUID.randomUUID();
                String payload = StripeWebhooks.paymentIntentSucceeded(eventId, created, "pi_" + UUID.randomUUID(),
                        user.toString(), "pro", 2900, "usd");
                http.toBlocking().exchange(HttpRequest.POST("/webhook", payload).contentType(MediaType.APPLICATION_JSON)
                        .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)));
                deadRows.add(Eventually.await("the row to go dead", Duration.ofSeconds(15),
                        () -> rowId(eventId, "dead"), id -> id > 0));
            }
        } finally {
            identity.start();
        }
    }

    @AfterAll
    void stop() {
        identity.close();
        stripe.close();
    }

    @Test
    @Order(1)
    void only_admins_and_operators_may_use_the_outbox_endpoints() throws SQLException {
        String plainUser = identity.login(identityEmailOf(users.getFirst()), "a long enough password");
        for (HttpRequest<?> request : List.of(
                HttpRequest.GET("/admin/outbox"),
                HttpRequest.GET("/admin/outbox/" + deadRows.getFirst()),
                HttpRequest.POST("/admin/outbox/" + deadRows.getFirst() + "/replay", ""),
                HttpRequest.POST("/admin/outbox/replay", Map.of("state", "dead")),
                HttpRequest.POST("/admin/reconcile?dryRun=true", ""))) {
            assertThat(status(() -> http.toBlocking().exchange(request))).as("no token: " + request.getPath())
                    .isEqualTo(401);
            assertThat(status(() -> http.toBlocking().exchange(((io.micronaut.http.MutableHttpRequest<?>) request)
                    .bearerAuth(plainUser)))).as("plain user: " + request.getPath()).isEqualTo(403);
        }
        String operator = tokenWithRole("operator");
        var page = http.toBlocking().retrieve(HttpRequest.GET("/admin/outbox").bearerAuth(operator), JSON);
        assertThat((List<?>) page.get("items")).isNotEmpty();
    }

    @Test
    @Order(2)
    void dead_rows_are_listed_oldest_first_a_page_at_a_time() {
        var first = get("/admin/outbox?state=dead&limit=2");
        List<Map<String, Object>> items = items(first);
        assertThat(items).hasSize(2);
        assertThat(items).extracting(i -> ((Number) i.get("id")).longValue())
                .containsExactly(deadRows.get(0), deadRows.get(1));
        assertThat(items.getFirst()).containsEntry("state", "dead").containsEntry("plan", "pro")
                .containsKeys("userId", "attempts", "lastError", "nextAttemptAt", "eventId", "createdAt", "updatedAt");
        assertThat(first.get("nextCursor")).isNotNull();

        var second = get("/admin/outbox?state=dead&limit=2&cursor=" + first.get("nextCursor"));
        assertThat(items(second)).extracting(i -> ((Number) i.get("id")).longValue()).contains(deadRows.get(2));
        assertThat(get("/admin/outbox?state=dead&userId=" + users.get(1)).get("items").toString())
                .contains(users.get(1).toString()).doesNotContain(users.get(0).toString());
        assertThat(status(() -> get("/admin/outbox?state=lost"))).isEqualTo(400);
        assertThat(status(() -> get("/admin/outbox?cursor=not-a-cursor"))).isEqualTo(400);
    }

    @Test
    @Order(2)
    void an_empty_page_and_absent_values_keep_every_documented_field() {
        var empty = get("/admin/outbox?state=pending&userId=" + UUID.randomUUID());
        assertThat(empty).containsOnlyKeys("items", "nextCursor").containsEntry("nextCursor", null);
        assertThat(items(empty)).isEmpty();

        // A row that died while identity was unreachable: no HTTP status in its attempt, no correlation id.
        var detail = get("/admin/outbox/" + deadRows.getFirst());
        assertThat(detail).containsKeys("id", "userId", "plan", "status", "state", "attempts", "lastError",
                "nextAttemptAt", "eventId", "createdAt", "updatedAt", "correlationId", "history");
        @SuppressWarnings("unchecked")
        var attempt = ((List<Map<String, Object>>) detail.get("history")).getFirst();
        assertThat(attempt).containsOnlyKeys("attemptedAt", "outcome", "httpStatus", "error")
                .containsEntry("httpStatus", null);
    }

    @Test
    @Order(4)
    void a_replayed_row_is_delivered_and_keeps_its_history() {
        long row = deadRows.get(2);
        var detail = get("/admin/outbox/" + row);
        assertThat((List<?>) detail.get("history")).hasSize(1);

        var replayed = post("/admin/outbox/" + row + "/replay", "");
        assertThat(replayed).containsEntry("state", "pending");

        Eventually.await("the replayed row to be delivered", Duration.ofSeconds(15),
                () -> get("/admin/outbox/" + row).get("state"), "done"::equals);
        var after = get("/admin/outbox/" + row);
        assertThat((List<?>) after.get("history")).hasSize(2);
        assertThat(identity.user(users.get(2), adminToken).get("plan")).isEqualTo("pro");

        assertThat(status(() -> post("/admin/outbox/" + row + "/replay", ""))).as("done: refused").isEqualTo(409);
        assertThat(post("/admin/outbox/" + row + "/replay?force=true", "")).containsEntry("state", "pending");
        assertThat(status(() -> post("/admin/outbox/99999999/replay", ""))).isEqualTo(404);
    }

    @Test
    @Order(5)
    void replaying_all_dead_rows_of_a_user_delivers_them() {
        var result = post("/admin/outbox/replay", Map.of("state", "dead", "userId", users.getFirst().toString()));
        assertThat(result.get("replayed")).isEqualTo(1);

        Eventually.await("identity to hold pro", Duration.ofSeconds(15),
                () -> identity.user(users.getFirst(), adminToken).get("plan"), "pro"::equals);
        assertThat(auditActions()).contains("replay-all");
    }

    @Test
    @Order(3)
    void every_operator_call_is_audited_with_who_and_what() throws SQLException {
        get("/admin/outbox/" + deadRows.get(1));

        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select actor, target, result from operator_audit where action = 'show' order by id desc limit 1");
             ResultSet rows = select.executeQuery()) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString("actor")).isEqualTo(adminId);
            assertThat(rows.getString("target")).isEqualTo("id=" + deadRows.get(1));
        }
    }

    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void a_row_replayed_while_identity_is_still_down_starts_again_from_zero_attempts() {
        long row = deadRows.get(1);
        assertThat(get("/admin/outbox/" + row)).containsEntry("state", "dead").containsEntry("attempts", 1);

        identity.stop();
        try {
            assertThat(post("/admin/outbox/" + row + "/replay", "")).containsEntry("state", "pending");

            // One attempt is allowed here: the first after the replay fails (identity is still down) and is the
            // row's last. Counted on from the earlier attempt it would be its second.
            var again = Eventually.await("the replayed row to be tried once more", Duration.ofSeconds(15),
                    () -> get("/admin/outbox/" + row),
                    d -> "dead".equals(d.get("state")) && ((List<?>) d.get("history")).size() == 2);
            assertThat(again).containsEntry("attempts", 1)
                    .containsEntry("lastError", "gave up after 1 attempts: identity unreachable: connection refused");
            assertThat((List<Map<String, Object>>) again.get("history")).extracting(a -> a.get("outcome"))
                    .containsExactly("dead", "dead");
        } finally {
            identity.start();
        }
    }

    // --- helpers ---

    private Map<String, Object> get(String path) {
        return http.toBlocking().retrieve(HttpRequest.GET(path).bearerAuth(adminToken), JSON);
    }

    private Map<String, Object> post(String path, Object body) {
        return http.toBlocking().retrieve(HttpRequest.POST(path, body).bearerAuth(adminToken), JSON);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }

    private static int status(Supplier<?> call) {
        return assertThrows(HttpClientResponseException.class, call::get).getStatus().getCode();
    }

    private long rowId(String eventId, String state) {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select id from outbox where event_id = ? and state = ?")) {
            select.setString(1, eventId);
            select.setString(2, state);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> auditActions() {
        List<String> actions = new ArrayList<>();
        try (Connection connection = database.connect();
             ResultSet rows = connection.createStatement().executeQuery("select action from operator_audit")) {
            while (rows.next()) {
                actions.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return actions;
    }

    private String identityEmailOf(UUID user) throws SQLException {
        try (Connection connection = identity.database().connect();
             PreparedStatement select = connection.prepareStatement("select email from users where id = ?")) {
            select.setObject(1, user);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    /** A fresh identity user granted a role the way an identity administrator would, then logged in. */
    private String tokenWithRole(String role) throws SQLException {
        String email = role + "-" + UUID.randomUUID() + "@example.com";
        UUID id = identity.register(email);
        try (Connection connection = identity.database().connect();
             PreparedStatement update = connection.prepareStatement("update users set roles = ? where id = ?")) {
            update.setString(1, "user " + role);
            update.setObject(2, id);
            update.executeUpdate();
        }
        return identity.login(email, "a long enough password");
    }
}
