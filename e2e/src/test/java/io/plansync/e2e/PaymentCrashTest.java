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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * payment-service is killed (kill -9) at the moments that matter: right after acknowledging webhooks, inside a
 * webhook's transaction, and after identity-service applied a batch but before the relay committed its rows as done.
 * Nothing is lost and nothing is applied twice: identity's audit is the judge of exactly-once.
 *
 * <p>The test decides where the kill lands by holding a PostgreSQL lock the service's next statement needs, so the
 * process is provably inside that window when it dies. The crash-window tests' events stand for PaymentIntents created
 * elsewhere (no checkout per event: accepted as such), and a webhook's transaction waits for a held lock longer than the default
 * 2 s, so that it is still inside it when the kill lands.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentCrashTest {
    private static final int USERS = 40;
    private final PlanSyncSystem system = new PlanSyncSystem(1, false, Map.of(
            "PLANSYNC_ACCEPT_EXTERNAL_PAYMENT_INTENTS", "true",
            "PLANSYNC_WEBHOOK_LOCK_WAIT", "15s", "PLANSYNC_WEBHOOK_ANSWER_WITHIN", "40s"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    void plans_acknowledged_before_a_kill_9_arrive_after_the_restart() {
        List<PlanSyncSystem.User> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(system.newUser());
        }
        List<String> paymentIntents = new ArrayList<>();
        for (var user : users) {
            paymentIntents.add(system.buy(user, "pro", 0));
        }
        // Hold deliveries back so the kill lands while the outbox still has work.
        system.identity.stop();
        long created = Instant.now().getEpochSecond();
        for (int i = 0; i < users.size(); i++) {
            assertThat(system.deliverSucceeded(users.get(i).id(), paymentIntents.get(i), "pro", 2900, created, 0))
                    .isEqualTo(200);
        }

        system.payment(0).kill();
        system.identity.start();
        system.restartPayment(0);

        String admin = system.adminToken();
        for (var user : users) {
            Eventually.await("identity to report pro for " + user.email(), Duration.ofSeconds(30),
                    () -> system.planAtIdentity(user.id(), admin), "pro"::equals);
        }
    }

    @Test
    void a_kill_9_after_identity_applied_a_batch_but_before_its_rows_were_marked_done_applies_each_plan_once()
            throws Exception {
        List<PlanSyncSystem.User> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add(system.newUser());
        }
        // The plans wait in the outbox while no relay runs, so that the relay takes them all in one batch.
        system.payment(0).kill();
        system.restartPayment(0, Map.of("PLANSYNC_OUTBOX_RELAY_ENABLED", "false"));
        long created = Instant.now().getEpochSecond();
        Map<String, PlanSyncSystem.User> events = new LinkedHashMap<>();
        for (var user : users) {
            String eventId = "evt_batch_" + UUID.randomUUID();
            events.put(eventId, user);
            assertThat(system.webhook(StripeWebhooks.paymentIntentSucceeded(eventId, created,
                    "pi_" + UUID.randomUUID(), user.id(), "pro", 2900, "usd"), 0)).isEqualTo(200);
        }
        String[] eventIds = events.keySet().toArray(String[]::new);
        assertThat(system.paymentCount("select count(*) from outbox where event_id = any(?)"
                + " and state = '" + OutboxState.Names.PENDING + "'",
                (Object) eventIds)).isEqualTo(events.size());

        try (Connection holder = system.paymentDatabase.connect()) {
            holder.setAutoCommit(false);
            // The relay records a batch's outcome (rows done, attempts) in the transaction that claimed it; with
            // this lock held that transaction cannot finish, so the rows stay claimed and not done.
            try (Statement lock = holder.createStatement()) {
                lock.execute("lock table outbox_attempts in exclusive mode");
            }
            system.payment(0).kill();
            system.restartPayment(0, Map.of("PLANSYNC_OUTBOX_RELAY_WORKERS", "1"));

            Eventually.await("identity to have applied every plan of the batch", Duration.ofSeconds(30),
                    () -> audit(eventIds).stream().filter(a -> a.result().equals("applied")).count(),
                    applied -> applied == events.size());
            Eventually.await("the relay waiting to record the batch's outcome", Duration.ofSeconds(15),
                    () -> waitingForLockOn("outbox_attempts"), waiting -> waiting == 1);
            assertThat(system.paymentCount("select count(*) from outbox where event_id = any(?)"
                    + " and state = '" + OutboxState.Names.DONE + "'",
                    (Object) eventIds)).as("identity answered, but no row is done yet").isZero();

            system.payment(0).kill();
        }
        // The lock is released: the dead relay's transaction ends without a commit, and its rows are due again.
        Eventually.await("the killed process's connections to end", Duration.ofSeconds(15),
                () -> system.paymentCount("select count(*) from pg_stat_activity where datname = current_database() "
                        + "and backend_type = 'client backend' and pid <> pg_backend_pid()"),
                connections -> connections == 0);
        assertThat(system.paymentCount("select count(*) from outbox where event_id = any(?)"
                + " and state = '" + OutboxState.Names.PENDING + "' "
                + "and attempts = 0", (Object) eventIds)).as("the done marks died with the process")
                .isEqualTo(events.size());
        assertThat(system.paymentCount("select count(*) from outbox_attempts a join outbox o on o.id = a.outbox_id "
                + "where o.event_id = any(?)", (Object) eventIds)).isZero();

        system.restartPayment(0);
        Eventually.await("every row of the batch to be done", Duration.ofSeconds(30),
                () -> system.paymentCount("select count(*) from outbox where event_id = any(?)"
                        + " and state = '" + OutboxState.Names.DONE + "'",
                        (Object) eventIds), done -> done == events.size());

        Map<String, List<String>> resultsByEvent = new HashMap<>();
        for (AuditRow row : audit(eventIds)) {
            resultsByEvent.computeIfAbsent(row.eventId(), id -> new ArrayList<>()).add(row.result());
        }
        for (var event : events.entrySet()) {
            assertThat(resultsByEvent.get(event.getKey())).as("identity's audit of " + event.getKey())
                    .containsExactlyInAnyOrder("applied", "duplicate");
        }
        String admin = system.adminToken();
        for (var user : users) {
            assertThat(system.planAtIdentity(user.id(), admin)).isEqualTo("pro");
        }
    }

    @Test
    void every_webhook_not_answered_200_at_a_kill_9_is_redelivered_and_ends_as_one_payment_and_one_outbox_row()
            throws Exception {
        List<PlanSyncSystem.User> users = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            users.add(system.newUser());
        }
        long created = Instant.now().getEpochSecond();
        Map<String, String> payloads = new LinkedHashMap<>();
        Map<String, String> paymentIntents = new HashMap<>();
        Map<String, PlanSyncSystem.User> userOf = new HashMap<>();
        for (var user : users) {
            String eventId = "evt_inflight_" + UUID.randomUUID();
            String paymentIntent = "pi_" + UUID.randomUUID();
            payloads.put(eventId, StripeWebhooks.paymentIntentSucceeded(eventId, created, paymentIntent, user.id(),
                    "pro", 2900, "usd"));
            paymentIntents.put(eventId, paymentIntent);
            userOf.put(eventId, user);
        }
        String[] eventIds = payloads.keySet().toArray(String[]::new);

        Map<String, Integer> answers = new ConcurrentHashMap<>();
        try (Connection holder = system.paymentDatabase.connect();
             ExecutorService stripe = Executors.newFixedThreadPool(payloads.size())) {
            holder.setAutoCommit(false);
            // A webhook's transaction stores its event and moves its payment, then waits here to queue the plan.
            try (Statement lock = holder.createStatement()) {
                lock.execute("lock table outbox in share mode");
            }
            List<Future<?>> sent = new ArrayList<>();
            payloads.forEach((eventId, payload) ->
                    sent.add(stripe.submit(() -> answers.put(eventId, deliver(payload)))));
            Eventually.await("a webhook transaction waiting to insert its outbox row", Duration.ofSeconds(20),
                    () -> waitingForLockOn("outbox"), waiting -> waiting == 1);

            system.payment(0).kill();
            for (Future<?> future : sent) {
                future.get();
            }
        }
        assertThat(answers).as("no webhook could commit while the lock was held").doesNotContainValue(200);

        system.restartPayment(0);
        // Stripe redelivers every event it did not get a 200 for.
        for (var event : payloads.entrySet()) {
            if (answers.get(event.getKey()) != 200) {
                assertThat(system.webhook(event.getValue(), 0)).as("redelivery of " + event.getKey())
                        .isEqualTo(200);
            }
        }

        assertThat(system.paymentCount("select count(*) from stripe_events where event_id = any(?)", (Object) eventIds))
                .isEqualTo(payloads.size());
        for (String eventId : eventIds) {
            assertThat(system.paymentCount("select count(*) from payments where payment_intent_id = ? "
                    + "and status = 'succeeded'", paymentIntents.get(eventId)))
                    .as("one succeeded payment for " + eventId).isEqualTo(1);
            assertThat(system.paymentCount("select count(*) from outbox where user_id = ?::uuid",
                    userOf.get(eventId).id())).as("one outbox row for the user of " + eventId).isEqualTo(1);
            assertThat(system.paymentCount("select count(*) from outbox where event_id = ?", eventId))
                    .as("one outbox row for " + eventId).isEqualTo(1);
        }
        String admin = system.adminToken();
        for (var user : users) {
            Eventually.await("identity to report pro for " + user.email(), Duration.ofSeconds(30),
                    () -> system.planAtIdentity(user.id(), admin), "pro"::equals);
        }
        assertThat(audit(eventIds)).filteredOn(a -> a.result().equals("applied")).extracting(AuditRow::eventId)
                .containsExactlyInAnyOrder(eventIds);
    }

    // --- helpers ---

    /** The status of one webhook delivery, or -1 when it got no answer (the process died first). */
    private int deliver(String payload) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(system.payment(0).url() + "/webhook"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .header("Stripe-Signature", StripeWebhooks.sign(payload, PlanSyncSystem.WEBHOOK_SECRET))
                    .POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Transactions of payment-service waiting for a lock on the table (the one the test holds). */
    private long waitingForLockOn(String table) {
        return system.paymentCount("select count(distinct pid) from pg_locks where not granted "
                + "and relation = ?::regclass and database = (select oid from pg_database where datname = current_database())", table);
    }

    private record AuditRow(String eventId, String result) {
    }

    /** identity-service's audit rows of these events: what it did with each attempt to change a plan. */
    private List<AuditRow> audit(String[] eventIds) {
        try (Connection connection = system.identityDatabase.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select event_id, result from plan_change_audit where event_id = any(?) order by id")) {
            select.setArray(1, connection.createArrayOf("text", eventIds));
            List<AuditRow> rows = new ArrayList<>();
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new AuditRow(result.getString(1), result.getString(2)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
