package io.plansync.payment.webhook;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentFixture;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.payment.ledger.GroupCommitProperties;
import io.plansync.payment.userplan.UserPlanLock;
import io.plansync.testing.Eventually;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.SqlRows;
import io.plansync.testing.StripeWebhooks;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /webhook over real HTTP with events signed exactly as Stripe signs them: only verified events are stored,
 * each once; a paid plan is granted only for its catalog price; the event, the payment, the user's plan and the
 * outbox row commit together; older events never overwrite newer ones. The database is read with JDBC.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookTest implements TestPropertyProvider {
    private static final String SECRET = PaymentTestProperties.WEBHOOK_SECRET;

    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final StripeStandIn stripe = fixture.stripe();
    private final TestUserTokens users = fixture.users();
    private final Connection jdbc = fixture.jdbc();
    private final SqlRows rows = fixture.rows();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    @Inject
    GroupCommitProperties groupCommit;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    @Override
    public Map<String, String> getProperties() {
        return fixture.properties(Map.of("plansync.outbox.relay-enabled", "false",
                // Short enough for the held-lock tests, long enough to hold a gate while events queue.
                "plansync.webhook.group-commit.lock-wait", "5s"));
    }

    // --- only verified events get in ----------------------------------------------------------------------------

    @Test
    void an_event_without_a_signature_is_refused_and_nothing_is_stored() {
        String eventId = newEventId();
        String payload = proPaid(eventId, UUID.randomUUID(), now());
        Counts before = counts();

        Answer answer = deliver(payload, null);

        assertSignatureRefused(answer);
        assertThat(counts()).isEqualTo(before);
        assertThat(storedEvent(eventId)).isEmpty();
    }

    @Test
    void an_event_with_a_malformed_signature_header_is_refused_and_nothing_is_stored() {
        String eventId = newEventId();
        String payload = proPaid(eventId, UUID.randomUUID(), now());
        String validV1 = StripeWebhooks.sign(payload, SECRET).replaceFirst("^t=\\d+,", "");
        Counts before = counts();

        for (String header : List.of("garbage", "t=,v1=", "t", "t=not-a-number,v1=abc", "t=1700000000",
                validV1, "t=" + now() + ",v0=abc")) {
            Answer answer = deliver(payload, header);
            assertThat(answer.status()).as("status for header %s", header).isEqualTo(400);
            assertThat(answer.body()).as("body for header %s", header)
                    .containsEntry("code", "WEBHOOK_SIGNATURE_INVALID");
        }

        assertThat(counts()).isEqualTo(before);
        assertThat(storedEvent(eventId)).isEmpty();
    }

    @Test
    void an_event_signed_with_an_unknown_secret_is_refused_and_nothing_is_stored() {
        String eventId = newEventId();
        String payload = proPaid(eventId, UUID.randomUUID(), now());
        Counts before = counts();

        Answer answer = deliver(payload, StripeWebhooks.sign(payload, "whsec_someone_else"));

        assertSignatureRefused(answer);
        assertThat(counts()).isEqualTo(before);
        assertThat(storedEvent(eventId)).isEmpty();
    }

    @Test
    void an_event_signed_more_than_300_seconds_ago_is_refused_and_nothing_is_stored() {
        UUID user = UUID.randomUUID();
        String eventId = newEventId();
        String payload = proPaid(eventId, user, now() - 400);
        Counts before = counts();

        Answer stale = deliver(payload, StripeWebhooks.sign(payload, SECRET, now() - 301));

        assertSignatureRefused(stale);
        assertThat(counts()).isEqualTo(before);
        assertThat(storedEvent(eventId)).isEmpty();
        // The same event signed within the tolerance is new, so the refused attempt left no trace.
        Answer fresh = deliver(payload, StripeWebhooks.sign(payload, SECRET, now() - 240));
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.body()).containsEntry("duplicate", false);
        assertThat(planOf(user)).contains("pro");
    }

    @Test
    void a_body_other_than_the_signed_one_is_refused_and_nothing_is_stored() {
        UUID payer = UUID.randomUUID();
        UUID attacker = UUID.randomUUID();
        String eventId = newEventId();
        long created = now();
        String signedPayload = StripeWebhooks.paymentIntentSucceeded(eventId, created, "pi_" + eventId,
                payer.toString(), "pro", 2900, "usd");
        String tampered = StripeWebhooks.paymentIntentSucceeded(eventId, created, "pi_" + eventId,
                attacker.toString(), "pro", 2900, "usd");
        Counts before = counts();

        Answer answer = deliver(tampered, StripeWebhooks.sign(signedPayload, SECRET));

        assertSignatureRefused(answer);
        assertThat(counts()).isEqualTo(before);
        assertThat(storedEvent(eventId)).isEmpty();
        assertThat(planOf(attacker)).isEmpty();
    }

    /** The limit is 1 MiB (micronaut.server.max-request-size): a body of exactly that is read, one byte more is not. */
    @ParameterizedTest(name = "{0} bytes -> {1}")
    @CsvSource({"1048576, 200", "1048577, 413"})
    void a_body_up_to_one_mebibyte_is_read_and_one_byte_more_is_refused_with_413_storing_nothing(int size,
                                                                                              int status) {
        UUID user = UUID.randomUUID();
        String eventId = newEventId();
        String unpadded = StripeWebhooks.paymentIntentSucceeded(eventId, now(), "pi_" + eventId, user.toString(),
                "pro", 2900, "usd").replace("\"plan\":\"pro\"", "\"plan\":\"pro\",\"padding\":\"\"");
        String payload = unpadded.replace("\"padding\":\"\"",
                "\"padding\":\"" + "x".repeat(size - unpadded.length()) + "\"");
        assertThat(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(size);
        Counts before = counts();

        Answer answer = deliver(payload, StripeWebhooks.sign(payload, SECRET));

        assertThat(answer.status()).isEqualTo(status);
        if (status == 413) {
            assertThat(answer.body()).containsEntry("code", "PAYLOAD_TOO_LARGE");
            assertThat(counts()).isEqualTo(before);
            assertThat(storedEvent(eventId)).isEmpty();
            assertThat(planOf(user)).isEmpty();
        } else {
            assertThat(storedEvent(eventId)).isPresent();
            assertThat(planOf(user)).contains("pro");
        }
    }

    @Test
    void a_signed_body_that_is_not_a_stripe_event_is_refused_and_nothing_is_stored() {
        Counts before = counts();

        Answer notJson = deliverSigned("this is not an event");
        Answer noId = deliverSigned("{\"object\":\"event\",\"type\":\"payment_intent.succeeded\",\"created\":1}");
        Answer noData = deliverSigned("{\"id\":\"" + newEventId() + "\",\"object\":\"event\","
                + "\"type\":\"payment_intent.succeeded\",\"created\":" + now() + "}");

        for (Answer answer : List.of(notJson, noId, noData)) {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.body()).containsEntry("code", "VALIDATION_FAILED");
        }
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void an_event_signed_with_the_previous_secret_is_accepted_during_a_rotation() {
        UUID user = UUID.randomUUID();
        String eventId = newEventId();
        String payload = proPaid(eventId, user, now());

        Answer answer = deliver(payload, StripeWebhooks.sign(payload, PaymentTestProperties.OLD_WEBHOOK_SECRET));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).containsEntry("received", true).containsEntry("duplicate", false);
        assertThat(storedEvent(eventId)).hasValueSatisfying(e -> assertThat(e).containsEntry("outcome", "accepted"));
        assertThat(planOf(user)).contains("pro");
    }

    // --- each event once ----------------------------------------------------------------------------------------

    @Test
    void an_event_delivered_twice_is_applied_once() {
        UUID user = UUID.randomUUID();
        String eventId = newEventId();
        String payload = proPaid(eventId, user, now());

        Answer first = deliverSigned(payload);
        Answer second = deliverSigned(payload); // Stripe re-signs each delivery

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).containsEntry("duplicate", false);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).containsEntry("received", true).containsEntry("duplicate", true);
        assertThat(count("select count(*) from stripe_events where event_id = ?", eventId)).isEqualTo(1);
        assertThat(count("select count(*) from outbox where event_id = ?", eventId)).isEqualTo(1);
        assertThat(count("select count(*) from outbox where user_id = ?", user)).isEqualTo(1);
    }

    @Test
    void concurrent_deliveries_of_one_event_apply_it_once() throws Exception {
        UUID user = UUID.randomUUID();
        String eventId = newEventId();
        String payload = proPaid(eventId, user, now());
        int deliveries = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Answer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(deliveries)) {
            for (int i = 0; i < deliveries; i++) {
                answers.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return deliverSigned(payload);
                }));
            }
            start.countDown();
            List<Object> duplicates = new ArrayList<>();
            for (Future<Answer> answer : answers) {
                Answer done = answer.get(20, TimeUnit.SECONDS);
                assertThat(done.status()).isEqualTo(200);
                duplicates.add(done.body().get("duplicate"));
            }
            assertThat(duplicates).containsOnlyOnce(false).containsOnly(true, false);
        }

        assertThat(count("select count(*) from stripe_events where event_id = ?", eventId)).isEqualTo(1);
        assertThat(outboxOf(user)).singleElement().satisfies(row -> assertThat(row).containsEntry("event_id", eventId));
    }

    @Test
    void a_rejected_event_delivered_twice_is_stored_once() {
        UUID user = UUID.randomUUID();
        String eventId = newEventId();
        String payload = StripeWebhooks.paymentIntentSucceeded(eventId, now(), "pi_" + eventId, user.toString(),
                "pro", 100, "usd");

        Answer first = deliverSigned(payload);
        Answer second = deliverSigned(payload);

        assertThat(first.body()).containsEntry("duplicate", false);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).containsEntry("duplicate", true);
        assertThat(count("select count(*) from stripe_events where event_id = ?", eventId)).isEqualTo(1);
    }

    // --- a plan only for its price ------------------------------------------------------------------------------

    @Test
    void pro_paid_with_the_wrong_amount_is_rejected_and_grants_nothing() {
        assertRejectedWithoutPlan(user -> StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), "pi_low",
                user.toString(), "pro", 100, "usd"));
    }

    @Test
    void pro_paid_in_the_wrong_currency_is_rejected_and_grants_nothing() {
        assertRejectedWithoutPlan(user -> StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), "pi_eur",
                user.toString(), "pro", 2900, "eur"));
    }

    @Test
    void enterprise_paid_at_the_pro_price_is_rejected_and_grants_nothing() {
        assertRejectedWithoutPlan(user -> StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), "pi_cheap",
                user.toString(), "enterprise", 2900, "usd"));
    }

    @Test
    void an_unknown_plan_in_the_metadata_is_rejected_and_grants_nothing() {
        assertRejectedWithoutPlan(user -> StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), "pi_platinum",
                user.toString(), "platinum", 2900, "usd"));
    }

    @Test
    void the_free_plan_in_the_metadata_is_rejected_and_grants_nothing() {
        assertRejectedWithoutPlan(user -> StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), "pi_free",
                user.toString(), "free", 0, "usd"));
    }

    @Test
    void a_plan_in_the_metadata_that_is_not_text_is_rejected_and_grants_nothing() {
        assertRejectedWithoutPlan(user -> StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), "pi_odd",
                user.toString(), "pro", 2900, "usd").replace("\"plan\":\"pro\"", "\"plan\":{\"id\":\"pro\"}"));
    }

    @Test
    void a_metadata_user_id_that_is_not_a_uuid_is_rejected_and_grants_nothing() {
        String eventId = newEventId();
        Counts before = counts();

        Answer answer = deliverSigned(StripeWebhooks.paymentIntentSucceeded(eventId, now(), "pi_" + eventId,
                "admin", "pro", 2900, "usd"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(storedEvent(eventId)).hasValueSatisfying(e -> {
            assertThat(e).containsEntry("outcome", "rejected");
            assertThat((String) e.get("reason")).isNotBlank();
        });
        assertThat(counts().userPlans()).isEqualTo(before.userPlans());
        assertThat(counts().outbox()).isEqualTo(before.outbox());
    }

    // --- an accepted payment ------------------------------------------------------------------------------------

    @Test
    void a_paid_plan_is_recorded_with_its_payment_and_queued_for_identity_together() {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");
        String eventId = newEventId();
        long created = now() - 30;

        Answer answer = deliverSigned(StripeWebhooks.paymentIntentSucceeded(eventId, created, paymentIntent,
                user.toString(), "pro", 2900, "usd"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).containsEntry("received", true).containsEntry("duplicate", false);
        assertThat(storedEvent(eventId)).hasValueSatisfying(e -> assertThat(e)
                .containsEntry("type", "payment_intent.succeeded")
                .containsEntry("outcome", "accepted")
                .containsEntry("payment_intent_id", paymentIntent)
                .containsEntry("user_id", user)
                .containsEntry("event_created_at", Instant.ofEpochSecond(created)));
        assertThat(paymentStatus(paymentIntent)).contains("succeeded");
        assertThat(query("select plan, status, payment_intent_id, source_event_id, source_event_at from user_plans "
                + "where user_id = ?", user)).containsExactly(Map.of(
                "plan", "pro",
                "status", "active",
                "payment_intent_id", paymentIntent,
                "source_event_id", eventId,
                "source_event_at", Instant.ofEpochSecond(created)));
        assertThat(outboxOf(user)).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("plan", "pro")
                .containsEntry("status", "active")
                .containsEntry("event_id", eventId)
                .containsEntry("source_event_at", Instant.ofEpochSecond(created))
                .containsEntry("state", "pending")
                .containsEntry("attempts", 0));
    }

    @Test
    void a_failure_while_recording_an_event_stores_none_of_it_so_stripe_can_redeliver() throws SQLException {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");
        String eventId = newEventId();
        String payload = StripeWebhooks.paymentIntentSucceeded(eventId, now(), paymentIntent, user.toString(), "pro",
                2900, "usd");
        execute("create function refuse_outbox_for_test() returns trigger language plpgsql as $$ begin "
                + "if new.user_id = '" + user + "' then raise exception 'outbox unavailable'; end if; "
                + "return new; end; $$");
        execute("create trigger refuse_outbox_for_test before insert on outbox for each row "
                + "execute function refuse_outbox_for_test()");
        Answer failed;
        try {
            failed = deliverSigned(payload);
        } finally {
            execute("drop trigger refuse_outbox_for_test on outbox");
            execute("drop function refuse_outbox_for_test()");
        }

        assertThat(failed.status()).isGreaterThanOrEqualTo(500); // not 2xx: Stripe will redeliver
        assertThat(storedEvent(eventId)).isEmpty();
        assertThat(paymentStatus(paymentIntent)).contains("created");
        assertThat(planOf(user)).isEmpty();
        assertThat(outboxOf(user)).isEmpty();

        Answer redelivered = deliverSigned(payload);

        assertThat(redelivered.status()).isEqualTo(200);
        assertThat(redelivered.body()).containsEntry("duplicate", false);
        assertThat(paymentStatus(paymentIntent)).contains("succeeded");
        assertThat(planOf(user)).contains("pro");
        assertThat(outboxOf(user)).hasSize(1);
    }

    // --- group commit: concurrent events share a transaction, each answered after its commit ----------------------

    @Test
    void events_arriving_while_a_transaction_runs_commit_together_with_the_same_outcome_as_one_by_one()
            throws Exception {
        List<UUID> buyers = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            UUID user = UUID.randomUUID();
            buyers.add(user);
            payloads.add(proPaid(newEventId(), user, now() - 60));
            payloads.add(StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), "pi_" + UUID.randomUUID(),
                    user.toString(), "enterprise", 9900, "usd"));
        }
        String redelivered = proPaid(newEventId(), UUID.randomUUID(), now());
        payloads.add(redelivered);
        payloads.add(redelivered);
        double splitBefore = splitGroups();

        List<Answer> answers = whileCommittersAreHeld(payloads);

        assertThat(answers).extracting(Answer::status).containsOnly(200);
        assertThat(answers.subList(0, 16)).extracting(a -> a.body().get("duplicate")).containsOnly(false);
        assertThat(answers.subList(16, 18)).extracting(a -> a.body().get("duplicate"))
                .containsExactlyInAnyOrder(true, false);
        // Every group committed as a group: none failed and fell back to one transaction per event.
        assertThat(splitGroups()).isEqualTo(splitBefore);
        // One event per user, payment and event id in a group: the 18 queued events make two groups of 9.
        assertThat(groupSizes().max()).as("largest group").isGreaterThanOrEqualTo(payloads.size() / 2.0);
        for (UUID user : buyers) {
            // Whatever order the pair was committed in, the newest payment decides and is the last thing queued.
            assertThat(planOf(user)).contains("enterprise");
            assertThat(outboxOf(user)).last().satisfies(row -> assertThat(row).containsEntry("plan", "enterprise"));
            assertThat(count("select count(*) from payments where user_id = ? and status = 'succeeded'", user))
                    .isEqualTo(2L);
        }
        assertThat(count("select count(*) from stripe_events where event_id = ?",
                redelivered.replaceFirst("(?s)^\\s*\\{\"id\":\"([^\"]+)\".*", "$1"))).isEqualTo(1L);
    }

    @Test
    void an_event_that_fails_inside_a_group_fails_alone_and_the_others_commit() throws Exception {
        UUID unlucky = UUID.randomUUID();
        List<UUID> others = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        List<String> payloads = new ArrayList<>();
        payloads.add(proPaid(newEventId(), unlucky, now()));
        others.forEach(user -> payloads.add(proPaid(newEventId(), user, now())));
        execute("create function refuse_outbox_for_group_test() returns trigger language plpgsql as $$ begin "
                + "if new.user_id = '" + unlucky + "' then raise exception 'outbox unavailable'; end if; "
                + "return new; end; $$");
        execute("create trigger refuse_outbox_for_group_test before insert on outbox for each row "
                + "execute function refuse_outbox_for_group_test()");
        double splitBefore = splitGroups();
        List<Answer> answers;
        try {
            answers = whileCommittersAreHeld(payloads);
        } finally {
            execute("drop trigger refuse_outbox_for_group_test on outbox");
            execute("drop function refuse_outbox_for_group_test()");
        }

        assertThat(answers.getFirst().status()).isGreaterThanOrEqualTo(500); // Stripe will redeliver it
        assertThat(answers.subList(1, answers.size())).extracting(Answer::status).containsOnly(200);
        assertThat(splitGroups()).isGreaterThan(splitBefore);
        assertThat(planOf(unlucky)).isEmpty();
        assertThat(count("select count(*) from stripe_events where user_id = ?", unlucky)).isZero();
        others.forEach(user -> assertThat(planOf(user)).contains("pro"));
    }

    @Test
    void a_user_lock_held_elsewhere_fails_only_that_users_event_and_the_rest_of_its_group_commits() throws Exception {
        // As if another replica had frozen while holding this user's lock.
        UUID stuck = UUID.randomUUID();
        List<UUID> others = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        String stuckEvent = proPaid(newEventId(), stuck, now());
        List<String> payloads = new ArrayList<>(List.of(stuckEvent));
        others.forEach(user -> payloads.add(proPaid(newEventId(), user, now())));
        double splitBefore = splitGroups();
        lock(stuck);
        List<Answer> answers;
        try {
            answers = whileCommittersAreHeld(payloads);
        } finally {
            unlock(stuck);
        }

        assertThat(answers.getFirst().status()).isEqualTo(500); // Stripe will redeliver it
        assertThat(String.valueOf(answers.getFirst().body())).doesNotContainIgnoringCase("exception")
                .doesNotContain("plansync.user").doesNotContain(stuck.toString());
        assertThat(answers.subList(1, answers.size())).extracting(Answer::status).containsOnly(200);
        // The others were committed together once the held user was left out, not one by one.
        assertThat(splitGroups()).isEqualTo(splitBefore);
        assertThat(planOf(stuck)).isEmpty();
        others.forEach(user -> assertThat(planOf(user)).contains("pro"));

        Answer redelivered = deliverSigned(stuckEvent);

        assertThat(redelivered.status()).isEqualTo(200);
        assertThat(redelivered.body()).containsEntry("duplicate", false);
        assertThat(planOf(stuck)).contains("pro");
    }

    @Test
    void a_payment_committed_elsewhere_while_an_event_waits_for_the_users_lock_decides_the_plan_with_it()
            throws Exception {
        // As another replica would: it holds the user's lock while it commits a newer payment and its plan. The
        // waiting event must decide on what that replica committed, not on what stood when the event arrived.
        UUID user = UUID.randomUUID();
        String older = newEventId();
        String payload = proPaid(older, user, now() - 60);
        ExecutorService sender = Executors.newSingleThreadExecutor();
        Future<Answer> answer;
        lock(user);
        try {
            answer = sender.submit(() -> deliverSigned(payload));
            Eventually.await("the event waiting for its user's lock", Duration.ofSeconds(10), this::lockWaiters,
                    waiting -> waiting == 1);
            execute("insert into payments (payment_intent_id, user_id, plan, amount, currency, status, succeeded_at) "
                    + "values ('pi_elsewhere_" + user + "', '" + user + "', 'enterprise', 9900, 'usd', 'succeeded', now())");
            execute("insert into user_plans (user_id, plan, status, payment_intent_id, source_event_id, source_event_at) "
                    + "values ('" + user + "', 'enterprise', 'active', 'pi_elsewhere_" + user + "', 'evt_elsewhere', now())");
        } finally {
            unlock(user);
            sender.shutdown();
        }

        assertThat(answer.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(paymentStatus("pi_" + older)).contains("succeeded");
        assertThat(planOf(user)).contains("enterprise");
        assertThat(count("select count(*) from outbox where event_id = ?", older)).isZero();
    }

    @Test
    void a_refund_for_a_user_whose_lock_is_held_elsewhere_is_answered_5xx_and_redelivered_later() {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");
        deliverSigned(StripeWebhooks.paymentIntentSucceeded(newEventId(), now() - 60, paymentIntent,
                user.toString(), "pro", 2900, "usd"));
        String refund = StripeWebhooks.chargeRefunded(newEventId(), now(), paymentIntent, 2900, 2900);
        lock(user);
        Answer waited;
        try {
            waited = deliverSigned(refund);
        } finally {
            unlock(user);
        }

        assertThat(waited.status()).isEqualTo(500);
        assertThat(planOf(user)).contains("pro");

        Answer redelivered = deliverSigned(refund);

        assertThat(redelivered.status()).isEqualTo(200);
        assertThat(planOf(user)).contains("free");
    }

    @Test
    void user_status_reports_the_paid_plan_and_a_pending_sync() throws IOException {
        UUID user = UUID.randomUUID();
        deliverSigned(proPaid(newEventId(), user, now()));

        var response = http.toBlocking().exchange(HttpRequest.GET("/user-status").bearerAuth(users.tokenFor(user)),
                String.class);

        assertThat(response.code()).isEqualTo(200);
        Map<String, Object> status = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        assertThat(status).containsEntry("userId", user.toString()).containsEntry("plan", "pro")
                .containsEntry("status", "active");
        assertThat(sync(status)).containsEntry("state", "pending").containsEntry("attempts", 0)
                .containsEntry("lastError", null);
    }

    @Test
    void user_status_reports_free_and_nothing_to_sync_for_a_user_who_never_paid() throws IOException {
        UUID user = UUID.randomUUID();

        var response = http.toBlocking().exchange(HttpRequest.GET("/user-status").bearerAuth(users.tokenFor(user)),
                String.class);

        Map<String, Object> status = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        assertThat(status).containsEntry("userId", user.toString()).containsEntry("plan", "free");
        // Every documented field is there, an absent error as null.
        assertThat(sync(status)).containsOnlyKeys("state", "attempts", "lastError")
                .containsEntry("state", "synced").containsEntry("attempts", 0).containsEntry("lastError", null);
    }

    // --- refunds ------------------------------------------------------------------------------------------------

    @Test
    void a_full_refund_takes_the_plan_back_to_free_and_queues_that_for_identity() {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");
        long paidAt = now() - 60;
        long refundedAt = now() - 10;
        String paid = newEventId();
        String refunded = newEventId();
        deliverSigned(StripeWebhooks.paymentIntentSucceeded(paid, paidAt, paymentIntent, user.toString(), "pro",
                2900, "usd"));

        Answer answer = deliverSigned(StripeWebhooks.chargeRefunded(refunded, refundedAt, paymentIntent, 2900, 2900));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(storedEvent(refunded)).hasValueSatisfying(e -> assertThat(e).containsEntry("outcome", "accepted"));
        assertThat(paymentStatus(paymentIntent)).contains("refunded");
        assertThat(planOf(user)).contains("free");
        List<Map<String, Object>> outbox = outboxOf(user);
        assertThat(outbox).hasSize(2);
        assertThat(outbox.get(0)).containsEntry("plan", "pro").containsEntry("event_id", paid);
        assertThat(outbox.get(1)).containsEntry("plan", "free").containsEntry("status", "active")
                .containsEntry("event_id", refunded).containsEntry("state", "pending")
                .containsEntry("source_event_at", Instant.ofEpochSecond(refundedAt));
    }

    @Test
    void a_partial_refund_is_recorded_but_keeps_the_plan() {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");
        String refunded = newEventId();
        deliverSigned(StripeWebhooks.paymentIntentSucceeded(newEventId(), now() - 60, paymentIntent, user.toString(),
                "pro", 2900, "usd"));

        Answer answer = deliverSigned(StripeWebhooks.chargeRefunded(refunded, now() - 10, paymentIntent, 2900, 1000));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(storedEvent(refunded)).hasValueSatisfying(e -> assertThat(e).containsEntry("outcome", "recorded"));
        assertThat(paymentStatus(paymentIntent)).contains("succeeded");
        assertThat(planOf(user)).contains("pro");
        assertThat(outboxOf(user)).hasSize(1);
    }

    @Test
    void a_refund_of_a_payment_this_service_does_not_know_changes_nothing() {
        String refunded = newEventId();
        Counts before = counts();

        Answer answer = deliverSigned(StripeWebhooks.chargeRefunded(refunded, now(), "pi_unknown_" + refunded, 2900,
                2900));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(storedEvent(refunded)).hasValueSatisfying(e -> assertThat(e).containsEntry("outcome", "rejected"));
        assertThat(counts().userPlans()).isEqualTo(before.userPlans());
        assertThat(counts().outbox()).isEqualTo(before.outbox());
    }

    @Test
    void refunding_an_older_payment_keeps_a_plan_bought_later() {
        UUID user = UUID.randomUUID();
        String proPayment = checkout(user, "pro");
        String enterprisePayment = checkout(user, "enterprise");
        String upgrade = newEventId();
        deliverSigned(StripeWebhooks.paymentIntentSucceeded(newEventId(), now() - 60, proPayment, user.toString(),
                "pro", 2900, "usd"));
        deliverSigned(StripeWebhooks.paymentIntentSucceeded(upgrade, now() - 30, enterprisePayment, user.toString(),
                "enterprise", 9900, "usd"));

        Answer answer = deliverSigned(StripeWebhooks.chargeRefunded(newEventId(), now() - 10, proPayment, 2900,
                2900));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(paymentStatus(proPayment)).contains("refunded");
        assertThat(planOf(user)).contains("enterprise");
        assertThat(outboxOf(user)).hasSize(2).last().satisfies(row -> assertThat(row)
                .containsEntry("plan", "enterprise").containsEntry("event_id", upgrade));
    }

    // --- order --------------------------------------------------------------------------------------------------

    @Test
    void an_older_event_arriving_after_a_newer_one_changes_nothing_and_sends_nothing() {
        UUID user = UUID.randomUUID();
        String older = newEventId();
        String newer = newEventId();
        long t1 = now() - 120;
        long t2 = now() - 60;

        deliverSigned(StripeWebhooks.paymentIntentSucceeded(newer, t2, "pi_" + newer, user.toString(), "enterprise",
                9900, "usd"));
        Answer late = deliverSigned(StripeWebhooks.paymentIntentSucceeded(older, t1, "pi_" + older, user.toString(),
                "pro", 2900, "usd"));

        assertThat(late.status()).isEqualTo(200);
        assertThat(query("select plan, source_event_id from user_plans where user_id = ?", user))
                .containsExactly(Map.of("plan", "enterprise", "source_event_id", newer));
        assertThat(outboxOf(user)).singleElement().satisfies(row -> assertThat(row).containsEntry("event_id", newer));
        assertThat(count("select count(*) from outbox where event_id = ?", older)).isZero();
        // The older payment still happened: it is recorded, it just does not win.
        assertThat(paymentStatus("pi_" + older)).contains("succeeded");
    }

    @Test
    void a_refund_arriving_before_its_payment_leaves_the_plan_free() {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");
        String paid = newEventId();
        String refunded = newEventId();
        long t1 = now() - 120;
        long t2 = now() - 60;

        Answer refund = deliverSigned(StripeWebhooks.chargeRefunded(refunded, t2, paymentIntent, 2900, 2900));
        Answer payment = deliverSigned(StripeWebhooks.paymentIntentSucceeded(paid, t1, paymentIntent, user.toString(),
                "pro", 2900, "usd"));

        assertThat(refund.status()).isEqualTo(200);
        assertThat(payment.status()).isEqualTo(200);
        assertThat(planOf(user)).contains("free");
        assertThat(paymentStatus(paymentIntent)).contains("refunded");
        assertThat(outboxOf(user)).allSatisfy(row -> assertThat(row).containsEntry("plan", "free"));
        assertThat(count("select count(*) from outbox where event_id = ?", paid)).isZero();
    }

    @Test
    void a_refund_of_an_earlier_payment_arriving_before_a_later_payment_leaves_the_later_plan() {
        UUID user = UUID.randomUUID();
        String proPayment = checkout(user, "pro");
        String enterprisePayment = checkout(user, "enterprise");
        String lateUpgrade = newEventId();
        long t1 = now() - 120;
        long t2 = now() - 90;
        long t3 = now() - 60;

        deliverSigned(StripeWebhooks.paymentIntentSucceeded(newEventId(), t1, proPayment, user.toString(), "pro",
                2900, "usd"));
        deliverSigned(StripeWebhooks.chargeRefunded(newEventId(), t3, proPayment, 2900, 2900));
        deliverSigned(StripeWebhooks.paymentIntentSucceeded(lateUpgrade, t2, enterprisePayment, user.toString(),
                "enterprise", 9900, "usd"));

        assertThat(planOf(user)).contains("enterprise");
        List<Map<String, Object>> syncs = query(
                "select plan, event_id, source_event_at from outbox where user_id = ? order by id", user);
        assertThat(syncs).extracting(row -> row.get("plan")).containsExactly("pro", "free", "enterprise");
        // Sent later than the refund's change, so identity-service ends with enterprise in any delivery order.
        assertThat(syncs.get(2)).containsEntry("event_id", lateUpgrade);
        assertThat((java.time.Instant) syncs.get(2).get("source_event_at"))
                .isAfter((java.time.Instant) syncs.get(1).get("source_event_at"));
    }

    // --- failures and other events ------------------------------------------------------------------------------

    @Test
    void a_failed_payment_is_recorded_and_changes_no_plan() {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");
        String eventId = newEventId();

        Answer answer = deliverSigned(StripeWebhooks.paymentIntentFailed(eventId, now(), paymentIntent,
                user.toString(), "pro"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).containsEntry("duplicate", false);
        assertThat(storedEvent(eventId)).hasValueSatisfying(e -> assertThat(e)
                .containsEntry("outcome", "recorded").containsEntry("payment_intent_id", paymentIntent));
        assertThat(paymentStatus(paymentIntent)).contains("failed");
        assertThat(planOf(user)).isEmpty();
        assertThat(outboxOf(user)).isEmpty();
    }

    @Test
    void a_failure_reported_after_the_payment_succeeded_does_not_undo_it() {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");
        deliverSigned(StripeWebhooks.paymentIntentSucceeded(newEventId(), now() - 60, paymentIntent, user.toString(),
                "pro", 2900, "usd"));

        Answer answer = deliverSigned(StripeWebhooks.paymentIntentFailed(newEventId(), now() - 90, paymentIntent,
                user.toString(), "pro"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(paymentStatus(paymentIntent)).contains("succeeded");
        assertThat(planOf(user)).contains("pro");
        assertThat(outboxOf(user)).hasSize(1);
    }

    @Test
    void an_event_of_another_type_is_stored_as_ignored_and_changes_nothing() {
        String eventId = newEventId();
        Counts before = counts();

        Answer answer = deliverSigned(StripeWebhooks.event(eventId, now(), "customer.created"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).containsEntry("received", true).containsEntry("duplicate", false);
        assertThat(storedEvent(eventId)).hasValueSatisfying(e -> assertThat(e)
                .containsEntry("type", "customer.created").containsEntry("outcome", "ignored"));
        Counts after = counts();
        assertThat(after.stripeEvents()).isEqualTo(before.stripeEvents() + 1);
        assertThat(after.userPlans()).isEqualTo(before.userPlans());
        assertThat(after.outbox()).isEqualTo(before.outbox());
        assertThat(after.payments()).isEqualTo(before.payments());
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /**
     * Holds every committer inside a transaction (each waits for the lock of a user this test holds), sends the
     * payloads so that they queue up, then lets one committer go: it takes all of them at once. Answers in payload
     * order.
     */
    private List<Answer> whileCommittersAreHeld(List<String> payloads) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(payloads.size() + groupCommit.committers());
        List<UUID> gates = new ArrayList<>();
        List<Future<Answer>> gated = new ArrayList<>();
        try {
            for (int i = 0; i < groupCommit.committers(); i++) {
                UUID gate = UUID.randomUUID();
                gates.add(gate);
                lock(gate);
                String payload = proPaid(newEventId(), gate, now());
                gated.add(senders.submit(() -> deliverSigned(payload)));
                long held = i + 1;
                Eventually.await("committer " + held + " waiting for its lock", Duration.ofSeconds(10),
                        this::lockWaiters, waiting -> waiting == held);
            }
            List<Future<Answer>> sent = new ArrayList<>();
            for (String payload : payloads) {
                sent.add(senders.submit(() -> deliverSigned(payload)));
            }
            Eventually.await("events queued", Duration.ofSeconds(10), this::waitingEvents,
                    waiting -> waiting == payloads.size());
            unlock(gates.getFirst());
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> answer : sent) {
                answers.add(answer.get(30, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            gates.forEach(this::unlock);
            for (Future<Answer> answer : gated) {
                assertThat(answer.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            senders.shutdownNow();
        }
    }

    /** Sessions of this test's database waiting for a user's lock. */
    private long lockWaiters() {
        return count("select count(*) from pg_locks where locktype = 'advisory' and not granted "
                + "and database = (select oid from pg_database where datname = current_database())");
    }

    private void lock(UUID user) {
        count("select count(*) from (select pg_advisory_lock(" + UserPlanLock.keyOf("?") + ")) l", user.toString());
    }

    private void unlock(UUID gate) {
        query("select pg_advisory_unlock(" + UserPlanLock.keyOf("?") + ")", gate.toString());
    }

    private double waitingEvents() {
        return metrics.get("plansync.webhook.group.waiting").gauge().value();
    }

    private io.micrometer.core.instrument.DistributionSummary groupSizes() {
        return metrics.get("plansync.webhook.group.events").summary();
    }

    /** Groups retried event by event so far (none before the first webhook registers the counter). */
    private double splitGroups() {
        var counter = metrics.find("plansync.webhook.group.split").counter();
        return counter == null ? 0 : counter.count();
    }

    private static Map<String, Object> sync(Map<String, Object> status) {
        return (Map<String, Object>) status.get("sync");
    }

    private record Answer(int status, Map<String, Object> body) {
    }

    private record Counts(long stripeEvents, long userPlans, long outbox, long payments) {
    }

    private void assertRejectedWithoutPlan(java.util.function.Function<UUID, String> eventFor) {
        UUID user = UUID.randomUUID();
        String payload = eventFor.apply(user);
        String eventId = payload.replaceFirst("(?s)^\\s*\\{\"id\":\"([^\"]+)\".*", "$1");

        Answer answer = deliverSigned(payload);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).containsEntry("duplicate", false);
        assertThat(storedEvent(eventId)).hasValueSatisfying(e -> {
            assertThat(e).containsEntry("outcome", "rejected");
            assertThat((String) e.get("reason")).isNotBlank();
        });
        assertThat(planOf(user)).isEmpty();
        assertThat(outboxOf(user)).isEmpty();
    }

    private static void assertSignatureRefused(Answer answer) {
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).containsEntry("code", "WEBHOOK_SIGNATURE_INVALID");
    }

    private static String newEventId() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static String proPaid(String eventId, UUID user, long created) {
        return StripeWebhooks.paymentIntentSucceeded(eventId, created, "pi_" + eventId, user.toString(), "pro", 2900,
                "usd");
    }

    /** Starts a purchase the way the app does, so the payment is known locally as 'created'. */
    private String checkout(UUID user, String plan) {
        var response = http.toBlocking().exchange(HttpRequest.POST("/create-payment-intent", Map.of("planType", plan))
                .bearerAuth(users.tokenFor(user)), Argument.mapOf(String.class, Object.class));
        String paymentIntent = (String) response.body().get("paymentIntentId");
        assertThat(paymentStatus(paymentIntent)).contains("created");
        return paymentIntent;
    }

    private Answer deliverSigned(String payload) {
        return deliver(payload, StripeWebhooks.sign(payload, SECRET));
    }

    private Answer deliver(String payload, String signature) {
        MutableHttpRequest<String> request = HttpRequest.POST("/webhook", payload)
                .contentType(MediaType.APPLICATION_JSON);
        if (signature != null) {
            request.header("Stripe-Signature", signature);
        }
        try {
            var response = http.toBlocking().exchange(request, String.class);
            return new Answer(response.code(), parse(response.body()));
        } catch (HttpClientResponseException e) {
            return new Answer(e.code(), parse(e.getResponse().getBody(String.class).orElse(null)));
        }
    }

    private Map<String, Object> parse(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        try {
            return json.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private Counts counts() {
        return new Counts(count("select count(*) from stripe_events"), count("select count(*) from user_plans"),
                count("select count(*) from outbox"), count("select count(*) from payments"));
    }

    private Optional<Map<String, Object>> storedEvent(String eventId) {
        return query("select * from stripe_events where event_id = ?", eventId).stream().findFirst();
    }

    private Optional<String> planOf(UUID user) {
        return query("select plan from user_plans where user_id = ?", user).stream()
                .map(row -> (String) row.get("plan")).findFirst();
    }

    private Optional<String> paymentStatus(String paymentIntent) {
        return query("select status from payments where payment_intent_id = ?", paymentIntent).stream()
                .map(row -> (String) row.get("status")).findFirst();
    }

    private List<Map<String, Object>> outboxOf(UUID user) {
        return query("select * from outbox where user_id = ? order by id", user);
    }

    private void execute(String sql) {
        rows.execute(sql);
    }

    private long count(String sql, Object... parameters) {
        return rows.count(sql, parameters);
    }

    private List<Map<String, Object>> query(String sql, Object... parameters) {
        return rows.query(sql, parameters);
    }
}
