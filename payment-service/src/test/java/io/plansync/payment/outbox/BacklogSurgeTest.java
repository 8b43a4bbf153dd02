package io.plansync.payment.outbox;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.OutboxState;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.testing.Eventually;
import io.plansync.testing.JwksServer;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One steady relay worker and one surge worker, batches of 5, and an identity-service that takes 0.8 s to
 * answer: a backlog of full batches is sent two requests at a time, while rows that come a few at a time wait for
 * the steady worker, so that they share its next batch.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BacklogSurgeTest implements TestPropertyProvider {
    private static final int BATCH = 5;
    private static final long ANSWER_MILLIS = 800;

    private final StripeStandIn stripe = new StripeStandIn();
    private final JwksServer userKeys = new JwksServer(TestKeys.publicJwks(TestKeys.newKey()));
    private final WireMockServer identity = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final TestDatabases.Database database = TestDatabases.fresh("payments");

    @Inject
    MeterRegistry metrics;

    @Override
    public Map<String, String> getProperties() {
        identity.start();
        // No result for any change: each row is retried, and with one attempt allowed goes dead, so it is sent once.
        identity.stubFor(post(urlPathEqualTo("/admin/plan-changes")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[]}")
                .withFixedDelay((int) ANSWER_MILLIS)));
        return PaymentTestProperties.of(database, stripe.url(), identity.baseUrl(), userKeys.url(),
                Map.of("plansync.outbox.batch-size", Integer.toString(BATCH),
                        "plansync.outbox.relay-workers", "1",
                        "plansync.outbox.relay-surge-workers", "1",
                        "plansync.outbox.linger", "0s",
                        "plansync.outbox.max-attempts", "1",
                        "plansync.outbox.poll-interval", "10m"));
    }

    @AfterAll
    void stop() {
        identity.stop();
        userKeys.close();
        stripe.close();
    }

    @Test
    @Order(1)
    void a_backlog_of_full_batches_is_sent_by_the_surge_worker_too() {
        queue(4 * BATCH);

        List<Long> sent = awaitRequests(4);

        assertThat(shortestGap(sent)).as("two requests in flight at once").isLessThan(ANSWER_MILLIS);
        assertThat(surgeRounds()).isPositive();
    }

    @Test
    @Order(2)
    void rows_that_trickle_in_wait_for_the_steady_worker() {
        // The backlog's last requests answered and recorded, and the surge worker's round after its last full one
        // run (it might otherwise claim the rows below): both workers idle, the surge worker parked.
        Eventually.await("every earlier row answered", Duration.ofSeconds(15), this::unansweredRows, n -> n == 0L);
        Eventually.await("the surge worker parked", Duration.ofSeconds(15),
                () -> metrics.get("plansync.outbox.surge.workers").gauge().value(), n -> n == 0.0);
        int before = identity.getAllServeEvents().size();
        double surgeRoundsBefore = surgeRounds();
        queue(2);
        awaitRequests(before + 1);
        queue(2);

        List<Long> sent = awaitRequests(before + 2);

        assertThat(sent.getLast() - sent.get(before)).as("the second partial batch waited for the first's answer")
                .isGreaterThanOrEqualTo(ANSWER_MILLIS - 50);
        assertThat(surgeRounds()).isEqualTo(surgeRoundsBefore);
    }

    /** Due outbox rows for new users, committed together, and the relays woken as the ledger would wake them. */
    private void queue(int rows) {
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement("insert into outbox (user_id, plan, status, "
                     + "event_id, source_event_at) select gen_random_uuid(), 'pro', 'active', 'evt_' || "
                     + "gen_random_uuid(), now() from generate_series(1, ?)");
             PreparedStatement notify = connection.prepareStatement("select pg_notify(?, '')")) {
            insert.setInt(1, rows);
            insert.executeUpdate();
            notify.setString(1, OutboxWakeups.CHANNEL);
            notify.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private double surgeRounds() {
        return metrics.counter("plansync.outbox.surge.rounds").count();
    }

    /** Rows not yet answered: each goes dead with its answer (one attempt allowed, no result in it). */
    private long unansweredRows() {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement("select count(*) from outbox where state <> ?")) {
            select.setString(1, OutboxState.Names.DEAD);
            try (ResultSet count = select.executeQuery()) {
                count.next();
                return count.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return when identity received each request so far, in order, in epoch milliseconds */
    private List<Long> awaitRequests(int count) {
        Eventually.await(count + " requests to identity", Duration.ofSeconds(15),
                () -> identity.getAllServeEvents().size(), n -> n >= count);
        return identity.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .map(request -> request.getLoggedDate().getTime()).sorted(Comparator.naturalOrder()).toList();
    }

    private static long shortestGap(List<Long> times) {
        long shortest = Long.MAX_VALUE;
        for (int i = 1; i < times.size(); i++) {
            shortest = Math.min(shortest, times.get(i) - times.get(i - 1));
        }
        return shortest;
    }
}
