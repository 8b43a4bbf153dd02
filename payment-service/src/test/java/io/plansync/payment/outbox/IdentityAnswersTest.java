package io.plansync.payment.outbox;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.testing.Eventually;
import io.plansync.testing.JwksServer;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the relay reads answers to a whole batch that a healthy identity-service never gives (an outage, a missing
 * endpoint, a proxy, a short answer): none of them may dead-letter the batch, because none of them says anything
 * about the plans in it. identity is a stand-in here only to produce those answers.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityAnswersTest implements TestPropertyProvider {
    private final StripeStandIn stripe = new StripeStandIn();
    private final JwksServer userKeys = new JwksServer(TestKeys.publicJwks(TestKeys.newKey()));
    private final WireMockServer identity = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final TestDatabases.Database database = TestDatabases.fresh("payments");

    @Override
    public Map<String, String> getProperties() {
        identity.start();
        return PaymentTestProperties.of(database, stripe.url(), identity.baseUrl(), userKeys.url(), Map.of());
    }

    @AfterAll
    void stop() {
        identity.stop();
        userKeys.close();
        stripe.close();
    }

    @Test
    void an_outage_answer_is_retried() throws SQLException {
        assertRetriedWith(aResponse().withStatus(503).withHeader("Content-Type", "application/problem+json")
                .withBody("{\"status\":503,\"code\":\"SERVICE_UNAVAILABLE\"}"), "identity answered 503 SERVICE_UNAVAILABLE");
    }

    @Test
    void a_404_for_the_whole_request_is_a_missing_endpoint_and_is_retried() throws SQLException {
        assertRetriedWith(aResponse().withStatus(404), "identity answered 404");
    }

    @Test
    void an_unexpected_status_from_a_proxy_is_retried() throws SQLException {
        assertRetriedWith(aResponse().withStatus(409), "identity answered 409");
    }

    @Test
    void an_answer_without_a_result_for_a_change_is_retried() throws SQLException {
        assertRetriedWith(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"results\":[]}"), "no result for this change");
    }

    private void assertRetriedWith(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer,
                                   String reason) throws SQLException {
        identity.resetAll();
        identity.stubFor(post(urlPathEqualTo("/admin/plan-changes")).willReturn(answer));
        String eventId = "evt_" + UUID.randomUUID();
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement("insert into outbox (user_id, plan, status, "
                     + "event_id, source_event_at) values (?, 'pro', 'active', ?, now())")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, eventId);
            insert.executeUpdate();
        }

        String[] row = Eventually.await("two failed attempts", Duration.ofSeconds(15), () -> outboxRow(eventId),
                r -> Integer.parseInt(r[1]) >= 2);

        assertThat(row[0]).isEqualTo("retrying");
        assertThat(row[2]).contains(reason);
        identity.verify(postRequestedFor(urlPathEqualTo("/admin/plan-changes")));
    }

    private String[] outboxRow(String eventId) {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select state, attempts, last_error from outbox where event_id = ?")) {
            select.setString(1, eventId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new String[] {row.getString(1), row.getString(2), row.getString(3)}
                        : new String[] {"none", "0", ""};
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
