package io.plansync.payment.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentFixture;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.payment.ledger.Ledger;
import io.plansync.payment.userplan.UserPlanLock;
import io.plansync.testing.Eventually;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group-commit queue is bounded: when queue-capacity events already wait for a transaction (here the only
 * committer is held by a user lock taken elsewhere), the next succeeded payment is answered 503 with Retry-After at
 * once and nothing of it is stored; Stripe's redelivery is accepted once there is room. Once a graceful shutdown has
 * begun, new events are refused the same way while the waiting ones still commit.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookQueueTest implements TestPropertyProvider {
    private static final int CAPACITY = 3;

    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final StripeStandIn stripe = fixture.stripe();
    private final TestUserTokens users = fixture.users();
    private final Connection jdbc = fixture.jdbc();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    @Inject
    MeterRegistry metrics;

    @Inject
    Ledger ledger;

    @Override
    public Map<String, String> getProperties() {
        return fixture.properties(Map.of("plansync.outbox.relay-enabled", "false",
                "plansync.webhook.group-commit.committers", "1",
                "plansync.webhook.group-commit.queue-capacity", Integer.toString(CAPACITY),
                // Long enough to hold the committer while the queue fills.
                "plansync.webhook.group-commit.lock-wait", "15s",
                "plansync.webhook.group-commit.answer-within", "40s"));
    }

    @Test
    @Order(1)
    void a_full_queue_answers_503_with_retry_after_and_stores_nothing_until_redelivered() throws Exception {
        UUID gate = UUID.randomUUID();
        ExecutorService senders = Executors.newFixedThreadPool(CAPACITY + 1);
        List<Future<Answer>> waiting = new ArrayList<>();
        Answer refused;
        String overflowId = newEventId();
        String overflow = proPaid(overflowId, UUID.randomUUID());
        lock(gate);
        try {
            waiting.add(senders.submit(() -> deliver(proPaid(newEventId(), gate))));
            Eventually.await("the committer waiting for the held lock", Duration.ofSeconds(10), this::lockWaiters,
                    n -> n == 1);
            for (int i = 0; i < CAPACITY; i++) {
                String payload = proPaid(newEventId(), UUID.randomUUID());
                waiting.add(senders.submit(() -> deliver(payload)));
            }
            Eventually.await("the queue to fill", Duration.ofSeconds(10),
                    () -> metrics.get("plansync.webhook.group.waiting").gauge().value(), n -> n == CAPACITY);

            refused = deliver(overflow);
        } finally {
            unlock(gate);
        }

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body()).containsEntry("code", "SERVICE_UNAVAILABLE");
        assertThat(refused.retryAfter()).isNotBlank();
        assertThat(storedEvents(overflowId)).isZero();
        for (Future<Answer> answer : waiting) {
            assertThat(answer.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        senders.shutdown();

        Answer redelivered = deliver(overflow);

        assertThat(redelivered.status()).isEqualTo(200);
        assertThat(storedEvents(overflowId)).isEqualTo(1);
    }

    @Test
    @Order(2)
    void once_shutting_down_new_events_are_refused_and_the_waiting_ones_still_commit() throws Exception {
        UUID gate = UUID.randomUUID();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        List<Future<Answer>> waiting = new ArrayList<>();
        Answer refused;
        String lateId = newEventId();
        lock(gate);
        try {
            waiting.add(senders.submit(() -> deliver(proPaid(newEventId(), gate))));
            Eventually.await("the committer waiting for the held lock", Duration.ofSeconds(10), this::lockWaiters,
                    n -> n == 1);
            String queued = proPaid(newEventId(), UUID.randomUUID());
            waiting.add(senders.submit(() -> deliver(queued)));
            Eventually.await("an event queued", Duration.ofSeconds(10),
                    () -> metrics.get("plansync.webhook.group.waiting").gauge().value(), n -> n == 1);

            // What SIGTERM starts (Micronaut's graceful shutdown calls every GracefulShutdownCapable bean).
            ledger.shutdownGracefully().toCompletableFuture().get(10, TimeUnit.SECONDS);
            refused = deliver(proPaid(lateId, UUID.randomUUID()));
        } finally {
            unlock(gate);
        }

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body()).containsEntry("code", "SERVICE_UNAVAILABLE");
        assertThat(refused.retryAfter()).isNotBlank();
        assertThat(storedEvents(lateId)).isZero();
        for (Future<Answer> answer : waiting) {
            assertThat(answer.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        senders.shutdown();
    }

    private record Answer(int status, String contentType, String retryAfter, Map<String, Object> body) {
    }

    private Answer deliver(String payload) throws IOException {
        var request = HttpRequest.POST("/webhook", payload).contentType(MediaType.APPLICATION_JSON)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET));
        io.micronaut.http.HttpResponse<?> response;
        String body;
        try {
            var ok = http.toBlocking().exchange(request, String.class);
            response = ok;
            body = ok.body();
        } catch (HttpClientResponseException e) {
            response = e.getResponse();
            body = e.getResponse().getBody(String.class).orElse("{}");
        }
        return new Answer(response.code(), response.getHeaders().get(HttpHeaders.CONTENT_TYPE, String.class).orElse(""),
                response.getHeaders().get(HttpHeaders.RETRY_AFTER, String.class).orElse(""),
                json.readValue(body, Argument.mapOf(String.class, Object.class)));
    }

    private static String proPaid(String eventId, UUID user) {
        return StripeWebhooks.paymentIntentSucceeded(eventId, Instant.now().getEpochSecond(), "pi_" + eventId,
                user.toString(), "pro", 2900, "usd");
    }

    private static String newEventId() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    private long storedEvents(String eventId) {
        return count("select count(*) from stripe_events where event_id = ?", eventId);
    }

    private long lockWaiters() {
        return count("select count(*) from pg_locks where locktype = 'advisory' and not granted "
                + "and database = (select oid from pg_database where datname = current_database())", null);
    }

    private void lock(UUID user) {
        count("select count(*) from (select pg_advisory_lock(" + UserPlanLock.keyOf("?") + ")) l",
                user.toString());
    }

    private void unlock(UUID user) {
        count("select count(*) from (select pg_advisory_unlock(" + UserPlanLock.keyOf("?") + ")) l",
                user.toString());
    }

    private long count(String sql, String parameter) {
        try (PreparedStatement statement = jdbc.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setString(1, parameter);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
