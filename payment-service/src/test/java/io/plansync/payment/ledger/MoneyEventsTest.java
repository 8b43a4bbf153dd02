package io.plansync.payment.ledger;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentFixture;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.testing.SqlRows;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger with the database: these events in, these rows out. A succeeded payment grants a plan only for a
 * PaymentIntent this service created (the default), disputes suspend and restore the plan the disputed payment
 * bought, and an event from the other Stripe mode than the key grants nothing.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoneyEventsTest implements TestPropertyProvider {
    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final StripeStandIn stripe = fixture.stripe();
    private final TestUserTokens users = fixture.users();
    private final Connection jdbc = fixture.jdbc();
    private final SqlRows rows = fixture.rows();

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return fixture.properties(Map.of("plansync.outbox.relay-enabled", "false",
                "plansync.ledger.accept-external-payment-intents", "false"));
    }

    @Test
    void a_payment_this_service_created_grants_its_plan() {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");

        String event = deliver(StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), paymentIntent,
                user.toString(), "pro", 2900, "usd"));

        assertThat(outcome(event)).isEqualTo("accepted");
        assertThat(paymentStatus(paymentIntent)).isEqualTo("succeeded");
        assertThat(plans(user)).containsExactly("pro");
    }

    @Test
    void a_payment_intent_created_elsewhere_is_rejected_with_the_reason_and_grants_nothing() {
        UUID user = UUID.randomUUID();
        String event = deliver(StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), "pi_link_" + user,
                user.toString(), "pro", 2900, "usd"));

        assertThat(outcome(event)).isEqualTo("rejected");
        assertThat(text("select reason from stripe_events where event_id = ?", event))
                .contains("not created by this service");
        assertThat(plans(user)).isEmpty();
        assertThat(count("select count(*) from payments where payment_intent_id = ?", "pi_link_" + user)).isZero();
    }

    @Test
    void a_payment_intent_created_for_another_user_grants_nothing_to_either() {
        UUID payer = UUID.randomUUID();
        UUID mallory = UUID.randomUUID();
        String paymentIntent = checkout(payer, "pro");

        String event = deliver(StripeWebhooks.paymentIntentSucceeded(newEventId(), now(), paymentIntent,
                mallory.toString(), "pro", 2900, "usd"));

        assertThat(outcome(event)).isEqualTo("rejected");
        assertThat(plans(payer)).isEmpty();
        assertThat(plans(mallory)).isEmpty();
        assertThat(paymentStatus(paymentIntent)).isEqualTo("created");
    }

    @Test
    void a_live_mode_event_under_a_test_key_is_rejected_and_grants_nothing() {
        UUID user = UUID.randomUUID();
        String paymentIntent = checkout(user, "pro");

        String event = deliver(StripeWebhooks.live(StripeWebhooks.paymentIntentSucceeded(newEventId(), now(),
                paymentIntent, user.toString(), "pro", 2900, "usd")));

        assertThat(outcome(event)).isEqualTo("rejected");
        assertThat(plans(user)).isEmpty();
        assertThat(paymentStatus(paymentIntent)).isEqualTo("created");
    }

    @Test
    void a_dispute_suspends_the_plan_and_a_won_dispute_restores_it() {
        UUID user = UUID.randomUUID();
        String paymentIntent = paid(user, "pro", 2900, now() - 60);

        String opened = deliver(StripeWebhooks.disputeCreated(newEventId(), now() - 30, paymentIntent, 2900));
        assertThat(outcome(opened)).isEqualTo("accepted");
        assertThat(paymentStatus(paymentIntent)).isEqualTo("disputed");
        assertThat(plans(user)).containsExactly("pro", "free");

        String won = deliver(StripeWebhooks.disputeClosed(newEventId(), now(), paymentIntent, 2900, "won"));
        assertThat(outcome(won)).isEqualTo("accepted");
        assertThat(paymentStatus(paymentIntent)).isEqualTo("dispute_won");
        assertThat(plans(user)).containsExactly("pro", "free", "pro");
        // Every change is queued for identity-service with the event's own time, each later than the last.
        assertThat(outboxEvents(user)).endsWith(opened, won);
    }

    @Test
    void a_lost_dispute_keeps_the_plan_revoked_even_when_its_opening_arrives_last() {
        UUID user = UUID.randomUUID();
        String paymentIntent = paid(user, "enterprise", 9900, now() - 60);

        deliver(StripeWebhooks.disputeClosed(newEventId(), now(), paymentIntent, 9900, "lost"));
        deliver(StripeWebhooks.disputeCreated(newEventId(), now() - 30, paymentIntent, 9900));

        assertThat(paymentStatus(paymentIntent)).isEqualTo("dispute_lost");
        assertThat(plans(user)).containsExactly("enterprise", "free");
    }

    @Test
    void a_dispute_on_an_older_payment_leaves_a_plan_bought_later() {
        UUID user = UUID.randomUUID();
        String older = paid(user, "pro", 2900, now() - 120);
        paid(user, "enterprise", 9900, now() - 60);

        String opened = deliver(StripeWebhooks.disputeCreated(newEventId(), now(), older, 2900));

        assertThat(outcome(opened)).isEqualTo("accepted");
        assertThat(paymentStatus(older)).isEqualTo("disputed");
        assertThat(plans(user)).containsExactly("pro", "enterprise");
    }

    @Test
    void a_dispute_of_a_payment_this_service_does_not_know_is_rejected() {
        String event = deliver(StripeWebhooks.disputeCreated(newEventId(), now(), "pi_unknown_" + UUID.randomUUID(),
                2900));

        assertThat(outcome(event)).isEqualTo("rejected");
    }

    @Test
    void a_dispute_delivered_twice_is_stored_and_applied_once() {
        UUID user = UUID.randomUUID();
        String paymentIntent = paid(user, "pro", 2900, now() - 60);
        String payload = StripeWebhooks.disputeCreated(newEventId(), now(), paymentIntent, 2900);

        String event = deliver(payload);
        deliver(payload);

        assertThat(count("select count(*) from stripe_events where event_id = ?", event)).isEqualTo(1);
        assertThat(plans(user)).containsExactly("pro", "free");
    }

    private String paid(UUID user, String plan, long amount, long at) {
        String paymentIntent = checkout(user, plan);
        String event = deliver(StripeWebhooks.paymentIntentSucceeded(newEventId(), at, paymentIntent,
                user.toString(), plan, amount, "usd"));
        assertThat(outcome(event)).isEqualTo("accepted");
        return paymentIntent;
    }

    /** Starts a purchase the way the app does, so the payment is known here as created. */
    private String checkout(UUID user, String plan) {
        var response = http.toBlocking().exchange(HttpRequest.POST("/create-payment-intent", Map.of("planType", plan))
                .bearerAuth(users.tokenFor(user)), Argument.mapOf(String.class, Object.class));
        return (String) response.body().get("paymentIntentId");
    }

    /** Delivers a signed event and @return its id, once it was answered 200. */
    private String deliver(String payload) {
        var response = http.toBlocking().exchange(HttpRequest.POST("/webhook", payload)
                .contentType(MediaType.APPLICATION_JSON)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)),
                String.class);
        assertThat(response.code()).isEqualTo(200);
        return payload.replaceFirst("(?s)^\\s*\\{\"id\":\"([^\"]+)\".*", "$1");
    }

    private String outcome(String eventId) {
        return text("select outcome from stripe_events where event_id = ?", eventId);
    }

    private String paymentStatus(String paymentIntent) {
        return text("select status from payments where payment_intent_id = ?", paymentIntent);
    }

    /** The plans queued for identity-service for the user, oldest first. */
    private List<String> plans(UUID user) {
        return column("select plan from outbox where user_id = ? order by source_event_at", user);
    }

    private List<String> outboxEvents(UUID user) {
        return column("select event_id from outbox where user_id = ? order by source_event_at", user);
    }

    private String text(String sql, Object parameter) {
        return rows.texts(sql, parameter).stream().findFirst().orElse(null);
    }

    private long count(String sql, Object parameter) {
        return rows.count(sql, parameter);
    }

    private List<String> column(String sql, Object parameter) {
        return rows.texts(sql, parameter);
    }

    private static String newEventId() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }
}
