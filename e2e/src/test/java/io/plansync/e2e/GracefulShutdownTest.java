package io.plansync.e2e;

import io.plansync.contracts.OutboxState;
import io.plansync.testing.Eventually;
import io.plansync.testing.StripeWebhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * payment-service gets SIGTERM while webhooks are in flight and more keep arriving. Every webhook in flight is
 * committed and answered 200; any other is answered 200 only once committed, or 503 with nothing stored (Stripe
 * redelivers), or not at all (the listener is closed): never a 500, never 200 without a commit. The relay finishes
 * the batches it holds and claims no more, and the process exits within a bounded time; a new process then
 * delivers every acknowledged plan.
 *
 * <p>To have webhooks in flight for seconds, the test holds one user's plan lock (as a stuck replica would): the
 * group committer waits for it with every webhook queued behind, until the test lets go after the SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulShutdownTest {
    private static final int USERS = 160;
    private static final int IN_FLIGHT = 30;
    private static final int CLIENTS = 8;
    /** The grace period (10 s by default) plus closing the beans, with room for a slow machine. */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(40);

    // A group waits for the held lock instead of leaving that user out after 2 s. The events stand for
    // PaymentIntents created elsewhere (no checkout per event): accepted as such.
    private final PlanSyncSystem system = new PlanSyncSystem(1, false, Map.of(
            "PLANSYNC_WEBHOOK_LOCK_WAIT", "15s", "PLANSYNC_WEBHOOK_ANSWER_WITHIN", "40s",
            "PLANSYNC_ACCEPT_EXTERNAL_PAYMENT_INTENTS", "true"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final Map<String, PlanSyncSystem.User> userOf = new ConcurrentHashMap<>();
    private final long created = Instant.now().getEpochSecond();

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    void sigterm_answers_the_webhooks_in_flight_after_their_commit_and_exits_in_bounded_time() throws Exception {
        List<PlanSyncSystem.User> users = system.registerUsers(USERS, CLIENTS);
        PlanSyncSystem.User gate = users.getFirst();
        List<String> inFlight = new ArrayList<>();
        CompletableFuture<Boolean> exited;
        Instant sigterm;
        try (Connection lockHolder = system.paymentDatabase.connect();
             ExecutorService stripe = Executors.newFixedThreadPool(IN_FLIGHT + CLIENTS + 1)) {
            hold(lockHolder, gate, "pg_advisory_lock");
            List<Future<?>> sent = new ArrayList<>();
            inFlight.add(send(stripe, sent, gate));
            Eventually.await("the committer waiting for the held lock", Duration.ofSeconds(20), this::lockWaiters,
                    waiting -> waiting == 1);
            for (var user : users.subList(1, 1 + IN_FLIGHT)) {
                inFlight.add(send(stripe, sent, user));
            }
            Eventually.await("webhooks queued behind it", Duration.ofSeconds(20), this::queued,
                    waiting -> waiting == IN_FLIGHT);

            sigterm = Instant.now();
            exited = CompletableFuture.supplyAsync(() -> system.payment(0).stopWithin(EXIT_WITHIN));
            // Stripe keeps delivering while the process stops.
            for (var user : users.subList(1 + IN_FLIGHT, users.size())) {
                send(stripe, sent, user);
            }
            Thread.sleep(3_000);
            hold(lockHolder, gate, "pg_advisory_unlock");
            for (Future<?> future : sent) {
                future.get();
            }
        }
        Duration stopping = Duration.between(sigterm, Instant.now());

        assertThat(exited.get()).as("exited within " + EXIT_WITHIN + " of SIGTERM").isTrue();
        assertThat(inFlight).as("webhooks in flight at SIGTERM")
                .allSatisfy(eventId -> assertThat(answers.get(eventId)).as(eventId).isEqualTo(200));
        assertThat(answers.values()).as("answers while shutting down").isSubsetOf(200, 503);
        List<String> acknowledged = answers.entrySet().stream().filter(e -> e.getValue() == 200)
                .map(Map.Entry::getKey).toList();
        List<String> refused = answers.entrySet().stream().filter(e -> e.getValue() == 503)
                .map(Map.Entry::getKey).toList();
        assertThat(stored(acknowledged)).as("every 200 committed").isEqualTo(acknowledged.size());
        assertThat(stored(refused)).as("nothing of a 503 stored").isZero();
        // The relay recorded every batch it held and gave up none half-way.
        assertThat(system.paymentCount("select count(*) from outbox_attempts where outcome <> 'delivered'")).isZero();
        assertThat(system.paymentCount("select count(*) from outbox where"
                + " state in ('" + OutboxState.Names.DEAD + "', '" + OutboxState.Names.RETRYING + "')")).isZero();

        system.restartPayment(0);
        String admin = system.adminToken();
        for (String eventId : acknowledged) {
            PlanSyncSystem.User user = userOf.get(eventId);
            Eventually.await("identity to report pro for " + user.email(), Duration.ofSeconds(30),
                    () -> system.planAtIdentity(user.id(), admin), "pro"::equals);
        }
        System.out.println("payment-service exited " + stopping.toMillis() + " ms after SIGTERM; answers: "
                + answers.values().stream().collect(java.util.stream.Collectors.groupingBy(s -> s,
                java.util.stream.Collectors.counting())) + " of " + USERS + " webhooks");
    }

    /** Sends the user's succeeded payment on a Stripe thread; @return its event id */
    private String send(ExecutorService stripe, List<Future<?>> sent, PlanSyncSystem.User user) {
        String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        userOf.put(eventId, user);
        String payload = StripeWebhooks.paymentIntentSucceeded(eventId, created, "pi_" + UUID.randomUUID(),
                user.id(), "pro", 2900, "usd");
        sent.add(stripe.submit(() -> deliver(payload).ifPresent(status -> answers.put(eventId, status))));
        return eventId;
    }

    /** The status of one delivery, or empty when it got no answer (refused, or the connection closed). */
    private Optional<Integer> deliver(String payload) {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create(system.payment(0).url() + "/webhook"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .header("Stripe-Signature", StripeWebhooks.sign(payload, PlanSyncSystem.WEBHOOK_SECRET))
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Payments waiting for a group transaction, from the metrics on the management port. */
    private double queued() {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(system.payment(0).managementUrl()
                    + "/prometheus")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("plansync_webhook_group_waiting "))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
                    .findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Takes or releases the user's plan lock, the one a webhook's transaction waits for. */
    private static void hold(Connection connection, PlanSyncSystem.User user, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "select " + function + "(hashtextextended('plansync.user:' || ?, 0))")) {
            statement.setString(1, user.id());
            statement.execute();
        }
    }

    private long lockWaiters() {
        return system.paymentCount("select count(*) from pg_locks where locktype = 'advisory' and not granted "
                + "and database = (select oid from pg_database where datname = current_database())");
    }

    private long stored(List<String> eventIds) {
        return system.paymentCount("select count(*) from stripe_events e "
                + "join payments p on p.payment_intent_id = e.payment_intent_id "
                + "where e.event_id = any(?) and p.status = 'succeeded'", (Object) eventIds.toArray(String[]::new));
    }
}
