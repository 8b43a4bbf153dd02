package io.plansync.payment.outbox;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stuck plans are reported on their own (/health/outbox on the management port, and the metrics), never through
 * readiness: a dead row must not take a healthy instance out of a load balancer's rotation, or webhook intake
 * would stop too.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboxHealthTest implements TestPropertyProvider {
    private final StripeStandIn stripe = new StripeStandIn();
    private final TestUserTokens users = new TestUserTokens();
    private final TestDatabases.Database database = TestDatabases.fresh("payments");
    private HttpClient management;

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    ApplicationContext context;

    @Inject
    JsonMapper json;

    @Override
    public Map<String, String> getProperties() {
        return PaymentTestProperties.of(database, stripe.url(), "http://127.0.0.1:9", users.jwksUrl(),
                Map.of("plansync.outbox.relay-enabled", "false",
                        "plansync.outbox.health-max-pending-age", "10m"));
    }

    @AfterAll
    void stop() {
        if (management != null) {
            management.close();
        }
        stripe.close();
        users.close();
    }

    @Test
    @Order(1)
    void an_empty_outbox_is_up() throws IOException {
        Answer outbox = get(management(), "/health/outbox");

        assertThat(outbox.status()).isEqualTo(200);
        assertThat(outbox.body()).containsEntry("status", "UP").containsEntry("deadRows", 0);
    }

    @Test
    @Order(2)
    void dead_and_old_rows_turn_the_outbox_check_down_but_never_readiness() throws Exception {
        execute("insert into outbox (user_id, plan, status, event_id, source_event_at, state, attempts, last_error) "
                + "values (gen_random_uuid(), 'pro', 'active', 'evt_dead', now(), 'dead', 1, 'identity answered 404')");
        execute("insert into outbox (user_id, plan, status, event_id, source_event_at, created_at) "
                + "values (gen_random_uuid(), 'pro', 'active', 'evt_old', now(), now() - interval '1 hour')");

        Answer outbox = get(management(), "/health/outbox");
        assertThat(outbox.status()).isEqualTo(503);
        assertThat(outbox.body()).containsEntry("status", "DOWN").containsEntry("deadRows", 1)
                .containsEntry("maxPendingAgeSeconds", 600);
        assertThat(((Number) outbox.body().get("oldestWaitingSeconds")).longValue()).isGreaterThanOrEqualTo(3600);

        // What a load balancer or Kubernetes routes by: this instance still takes webhooks.
        for (String path : new String[] {"/health", "/health/readiness", "/health/liveness"}) {
            Answer publicHealth = get(http, path);
            assertThat(publicHealth.status()).as(path).isEqualTo(200);
            assertThat(publicHealth.body()).as(path).isEqualTo(Map.of("status", "UP"));
            Answer details = get(management(), path);
            assertThat(details.status()).as(path).isEqualTo(200);
            assertThat(details.body()).as(path).containsEntry("status", "UP").containsKey("details");
        }
        assertThat(get(management(), "/health").body().toString()).contains("jdbc").doesNotContain("outbox");
    }

    @Test
    @Order(3)
    void the_outbox_check_and_the_metrics_are_not_served_on_the_public_port() throws IOException {
        assertThat(get(http, "/health/outbox").status()).isEqualTo(404);
        assertThat(get(http, "/prometheus").status()).isEqualTo(404);
        assertThat(get(management(), "/prometheus").status()).isEqualTo(200);
    }

    private record Answer(int status, Map<String, Object> body) {
    }

    private Answer get(HttpClient client, String path) throws IOException {
        int status;
        String body;
        try {
            HttpResponse<String> response = client.toBlocking().exchange(HttpRequest.GET(path), String.class);
            status = response.code();
            body = response.getBody().orElse("{}");
        } catch (HttpClientResponseException e) {
            status = e.code();
            body = e.getResponse().getBody(String.class).orElse("{}");
        }
        // Metrics are text, not JSON.
        return new Answer(status, body.startsWith("{") ? parse(body) : Map.of());
    }

    private Map<String, Object> parse(String body) throws IOException {
        return json.readValue(body, Argument.mapOf(String.class, Object.class));
    }

    private HttpClient management() {
        if (management == null) {
            int port = context.getRequiredProperty("endpoints.all.port", Integer.class);
            management = context.createBean(HttpClient.class, URI.create("http://127.0.0.1:" + port));
        }
        return management;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
