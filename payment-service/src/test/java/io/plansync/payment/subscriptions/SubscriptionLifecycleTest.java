package io.plansync.payment.subscriptions;

import com.stripe.StripeClient;
import com.stripe.model.Subscription;
import com.stripe.param.SubscriptionUpdateParams;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentFixture;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.testing.Eventually;
import io.plansync.testing.SqlRows;
import io.plansync.testing.stripe.StripeEmulator;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A subscription's life, with the Stripe emulator as Stripe: bought through POST /checkout-sessions and the hosted
 * page, renewed, failed into past_due and its grace, ended after Stripe's retries, canceled at period end, and a
 * trial. Every event arrives by signed webhook; the plan recorded is what Stripe's current state grants.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionLifecycleTest implements TestPropertyProvider {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final StripeEmulator stripe = new StripeEmulator(StripeEmulator.Options.defaults()
            .retrySchedule(java.util.List.of(Duration.ofDays(1), Duration.ofDays(3), Duration.ofDays(7)),
                    StripeEmulator.AfterRetries.CANCEL));
    private final StripeClient stripeApi = StripeClient.builder().setApiKey("sk_test_plansync")
            .setApiBase(stripe.url()).build();
    private final SqlRows rows = fixture.rows();

    @Inject
    EmbeddedServer server;

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_pro_monthly", 2900, "usd"));
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_pro_yearly", 29000, "usd")
                .withInterval("year", 1));
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_enterprise_monthly", 9900, "usd"));
        return fixture.properties(Map.of("plansync.stripe.api-base", stripe.url(),
                "plansync.subscriptions.refresh-poll-interval", "200ms"));
    }

    @BeforeAll
    void deliverWebhooksHere() {
        stripe.setWebhook(server.getURL() + "/webhook", PaymentTestProperties.WEBHOOK_SECRET);
    }

    @AfterAll
    void closeStripe() {
        stripe.close();
    }

    @Test
    void a_subscription_is_bought_renewed_lapses_into_grace_and_ends_after_the_retries() throws Exception {
        UUID user = UUID.randomUUID();
        Map<?, ?> session = checkout(user, "pro", "month", "key-1");
        assertThat(checkout(user, "pro", "month", "key-1").get("id")).as("the same Idempotency-Key, the same session")
                .isEqualTo(session.get("id"));
        String customer = rows.texts("select stripe_customer_id from customers where user_id = ?", user).getFirst();
        var seen = stripe.requests("POST", "/v1/checkout/sessions").getLast();
        assertThat(seen.params()).containsEntry("mode", "subscription").containsEntry("customer", customer)
                .containsEntry("line_items[0][price]", "price_pro_monthly")
                .containsEntry("client_reference_id", user.toString())
                .containsEntry("subscription_data[metadata][userId]", user.toString());
        assertThat(seen.idempotencyKey()).startsWith("plansync-cs-");

        stripe.completeCheckout((String) session.get("id"), StripeEmulator.TestCard.GOOD);
        Subscription subscription = onlySubscription(customer);
        Instant periodEnd = periodEnd(subscription);
        Map<String, Object> plan = awaitPlan(user, "pro", "active", periodEnd.plus(Duration.ofHours(1)));
        assertThat(plan.get("subscription_id")).isEqualTo(subscription.getId());
        assertThat(latestOutboxRow(user)).containsEntry("plan", "pro")
                .containsEntry("valid_until", periodEnd.plus(Duration.ofHours(1)));

        Map<String, Object> status = object(http.toBlocking().retrieve(HttpRequest.GET("/user-status")
                .bearerAuth(fixture.users().tokenFor(user)), Map.class));
        assertThat(status).containsEntry("plan", "pro").containsEntry("status", "active")
                .containsEntry("validUntil", periodEnd.plus(Duration.ofHours(1)).toString());
        assertThat(object(status.get("subscription"))).containsEntry("id", subscription.getId())
                .containsEntry("status", "active").containsEntry("currentPeriodEnd", periodEnd.toString())
                .containsEntry("cancelAtPeriodEnd", false);

        assertThatThrownBy(() -> checkout(user, "enterprise", "month", null))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(409);
                    assertThat(e.getResponse().getBody(Map.class).orElseThrow())
                            .containsEntry("code", "SUBSCRIPTION_EXISTS");
                });
        Map<?, ?> portal = http.toBlocking().retrieve(HttpRequest.POST("/billing-portal-sessions", "")
                .bearerAuth(fixture.users().tokenFor(user)), Map.class);
        assertThat((String) portal.get("url")).startsWith(stripe.url());
        assertThat(stripe.requests("POST", "/v1/billing_portal/sessions").getLast().params())
                .containsEntry("customer", customer);

        // The period ends and the renewal is paid: the plan lasts one period longer.
        stripe.advanceClock(Duration.between(stripe.now(), periodEnd).plusMinutes(1));
        Instant renewedEnd = periodEnd(onlySubscription(customer));
        assertThat(renewedEnd).isAfter(periodEnd);
        awaitPlan(user, "pro", "active", renewedEnd.plus(Duration.ofHours(1)));

        // The next renewal is declined: past_due, still pro for the grace after the paid time ended.
        stripe.setCardFails(customer, true);
        stripe.advanceClock(Duration.between(stripe.now(), renewedEnd).plusMinutes(1));
        awaitPlan(user, "pro", "past_due", renewedEnd.plus(Duration.ofDays(3)));

        // Stripe's retries all fail and it cancels the subscription: the plan ends.
        stripe.advanceClock(Duration.ofDays(8));
        awaitPlan(user, "free", "canceled", null);
        assertThat(rows.query("select stripe_status from subscriptions where subscription_id = ?",
                subscription.getId()).getFirst()).containsEntry("stripe_status", "canceled");
        assertThat(latestOutboxRow(user)).containsEntry("plan", "free").containsEntry("status", "canceled")
                .containsEntry("valid_until", null);
    }

    @Test
    void cancel_at_period_end_keeps_the_plan_to_the_end_of_the_period_and_a_trial_is_trialing() throws Exception {
        UUID user = UUID.randomUUID();
        Map<?, ?> session = checkout(user, "enterprise", "month", null);
        stripe.completeCheckout((String) session.get("id"), StripeEmulator.TestCard.GOOD);
        String customer = rows.texts("select stripe_customer_id from customers where user_id = ?", user).getFirst();
        Subscription subscription = onlySubscription(customer);
        Instant periodEnd = periodEnd(subscription);
        // enterprise has a 14-day trial in the default catalog
        assertThat(subscription.getStatus()).isEqualTo("trialing");
        awaitPlan(user, "enterprise", "trialing", periodEnd.plus(Duration.ofHours(1)));

        stripeApi.v1().subscriptions().update(subscription.getId(), SubscriptionUpdateParams.builder()
                .setCancelAtPeriodEnd(true).build());
        awaitPlan(user, "enterprise", "trialing", periodEnd);

        stripe.advanceClock(Duration.between(stripe.now(), periodEnd).plusMinutes(1));
        awaitPlan(user, "free", "canceled", null);
    }

    @Test
    void reconciliation_finds_a_subscription_recorded_wrong_or_never_and_reads_it_again() throws Exception {
        UUID user = UUID.randomUUID();
        stripe.completeCheckout((String) checkout(user, "pro", "month", null).get("id"),
                StripeEmulator.TestCard.GOOD);
        String customer = rows.texts("select stripe_customer_id from customers where user_id = ?", user).getFirst();
        Subscription subscription = onlySubscription(customer);
        Instant periodEnd = periodEnd(subscription);
        awaitPlan(user, "pro", "active", periodEnd.plus(Duration.ofHours(1)));
        awaitQuiet();
        // The record falls behind Stripe (a lost write, a restore from an old backup): canceled here, active there.
        rows.execute("update subscriptions set stripe_status = 'canceled', valid_until = null "
                + "where subscription_id = ?", subscription.getId());
        // And one of a mapped customer that was never recorded at all (its events lost beyond Stripe's retention).
        UUID other = UUID.randomUUID();
        stripe.setWebhookDelivery(false);
        String otherSubscription;
        try {
            stripe.completeCheckout((String) checkout(other, "enterprise", "month", null).get("id"),
                    StripeEmulator.TestCard.GOOD);
            otherSubscription = onlySubscription(rows.texts("select stripe_customer_id from customers "
                    + "where user_id = ?", other).getFirst()).getId();
        } finally {
            stripe.setWebhookDelivery(true);
        }
        String operator = fixture.users().tokenFor(UUID.randomUUID(), "admin");

        Map<?, ?> dryRun = http.toBlocking().retrieve(HttpRequest.POST("/admin/reconcile?dryRun=true", "")
                .bearerAuth(operator), Map.class);
        assertThat(((Number) dryRun.get("subscriptionsDrifted")).intValue()).as(dryRun.toString())
                .isGreaterThanOrEqualTo(2);
        assertThat(rows.count("select count(*) from subscription_refreshes where subscription_id in (?, ?)",
                subscription.getId(), otherSubscription)).as("a dry run repairs nothing").isZero();
        Map<?, ?> drifts = http.toBlocking().retrieve(HttpRequest.GET("/admin/reconciliations/" + dryRun.get("id")
                + "/drifts?limit=1000").bearerAuth(operator), Map.class);
        assertThat((java.util.List<?>) drifts.get("drifts")).anySatisfy(d -> assertThat(object(d))
                .containsEntry("subscriptionId", subscription.getId()).containsEntry("reason", "subscription_stale")
                .containsEntry("userId", user.toString()));
        assertThat((java.util.List<?>) drifts.get("drifts")).anySatisfy(d -> assertThat(object(d))
                .containsEntry("subscriptionId", otherSubscription)
                .containsEntry("reason", "subscription_not_recorded").containsEntry("userId", other.toString()));

        http.toBlocking().retrieve(HttpRequest.POST("/admin/reconcile?dryRun=false", "").bearerAuth(operator),
                Map.class);
        Eventually.await("the stale record to be read again", WAIT, () -> rows.texts("select stripe_status from "
                + "subscriptions where subscription_id = ?", subscription.getId()), List.of("active")::equals);
        awaitPlan(user, "pro", "active", periodEnd.plus(Duration.ofHours(1)));
        Eventually.await("the never-recorded subscription to be read", WAIT,
                () -> rows.query("select stripe_status from subscriptions where subscription_id = ?",
                        otherSubscription), found -> !found.isEmpty());
        assertThat(rows.texts("select plan from user_plans where user_id = ?", other)).containsExactly("enterprise");
    }

    @Test
    void an_upgrade_changes_the_plan_when_stripe_says_and_a_trial_ending_soon_is_counted() throws Exception {
        UUID user = UUID.randomUUID();
        stripe.completeCheckout((String) checkout(user, "pro", "month", null).get("id"),
                StripeEmulator.TestCard.GOOD);
        String customer = rows.texts("select stripe_customer_id from customers where user_id = ?", user).getFirst();
        Subscription subscription = onlySubscription(customer);
        awaitPlan(user, "pro", "active", periodEnd(subscription).plus(Duration.ofHours(1)));

        // What the portal does for a switch: the item's price replaced.
        stripeApi.v1().subscriptions().update(subscription.getId(), SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder()
                        .setId(subscription.getItems().getData().getFirst().getId())
                        .setPrice("price_enterprise_monthly").build()).build());
        awaitPlan(user, "enterprise", "active", periodEnd(onlySubscription(customer)).plus(Duration.ofHours(1)));
        assertThat(latestOutboxRow(user)).containsEntry("plan", "enterprise");

        // A trial's end is announced three days ahead: logged and counted, the plan unchanged.
        UUID trialing = UUID.randomUUID();
        double before = meters.counter("plansync.subscriptions.trial_will_end").count();
        stripe.completeCheckout((String) checkout(trialing, "enterprise", "month", null).get("id"),
                StripeEmulator.TestCard.GOOD);
        stripe.advanceClock(Duration.ofDays(12));
        Eventually.await("trial_will_end to be counted", WAIT,
                () -> meters.counter("plansync.subscriptions.trial_will_end").count(), count -> count > before);
        assertThat(rows.texts("select plan from user_plans where user_id = ?", trialing)).containsExactly("enterprise");
    }

    @Test
    void a_plan_or_interval_that_is_not_sold_by_subscription_is_refused_before_stripe_is_asked() {
        UUID user = UUID.randomUUID();
        int before = stripe.requests("POST", "/v1/checkout/sessions").size();
        for (Map<String, Object> body : java.util.List.<Map<String, Object>>of(Map.of("plan", "free"),
                Map.of("plan", "platinum", "interval", "month"), Map.of("plan", "pro", "interval", "week"),
                Map.of("interval", "month"))) {
            assertThatThrownBy(() -> http.toBlocking().exchange(HttpRequest.POST("/checkout-sessions", body)
                    .bearerAuth(fixture.users().tokenFor(user)), Map.class))
                    .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(400);
                        assertThat(e.getResponse().getBody(Map.class).orElseThrow().get("code"))
                                .isIn("PLAN_NOT_PURCHASABLE", "VALIDATION_FAILED");
                    });
        }
        assertThat(stripe.requests("POST", "/v1/checkout/sessions")).hasSize(before);
        assertThatThrownBy(() -> http.toBlocking().exchange(HttpRequest.POST("/billing-portal-sessions", "")
                .bearerAuth(fixture.users().tokenFor(user)), Map.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(
                        e.getResponse().getBody(Map.class).orElseThrow()).containsEntry("code", "NO_BILLING_ACCOUNT"));
    }

    private Map<?, ?> checkout(UUID user, String plan, String interval, String idempotencyKey) {
        var request = HttpRequest.POST("/checkout-sessions", Map.of("plan", plan, "interval", interval))
                .bearerAuth(fixture.users().tokenFor(user));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<Map> response = http.toBlocking().exchange(request, Map.class);
        Map<?, ?> body = response.body();
        assertThat((String) body.get("url")).startsWith(stripe.url());
        return body;
    }

    /** Every event so far delivered and every subscription read: nothing in flight that could undo a test's edit. */
    private void awaitQuiet() {
        Eventually.await("Stripe's events delivered and read", WAIT, () -> {
            java.util.Set<String> delivered = new java.util.HashSet<>();
            stripe.deliveries().stream().filter(StripeEmulator.Delivery::delivered)
                    .forEach(d -> delivered.add(d.eventId()));
            long undelivered = stripe.events().stream()
                    .map(e -> com.google.gson.JsonParser.parseString(e).getAsJsonObject().get("id").getAsString())
                    .filter(id -> !delivered.contains(id)).count();
            return undelivered + rows.count("select count(*) from subscription_refreshes");
        }, left -> left == 0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object json) {
        return (Map<String, Object>) json;
    }

    private Subscription onlySubscription(String customer) throws Exception {
        var list = stripeApi.v1().subscriptions().list(com.stripe.param.SubscriptionListParams.builder()
                .setCustomer(customer).setStatus(com.stripe.param.SubscriptionListParams.Status.ALL).build());
        assertThat(list.getData()).hasSize(1);
        return list.getData().getFirst();
    }

    private static Instant periodEnd(Subscription subscription) {
        return Instant.ofEpochSecond(subscription.getItems().getData().getFirst().getCurrentPeriodEnd());
    }

    private Map<String, Object> awaitPlan(UUID user, String plan, String status, Instant validUntil) {
        Instant until = validUntil == null ? null : validUntil.truncatedTo(ChronoUnit.MICROS);
        return Eventually.await("user " + user + " to hold " + plan + "/" + status + " until " + validUntil, WAIT,
                () -> rows.query("select plan, status, valid_until, subscription_id from user_plans "
                        + "where user_id = ?", user).stream().findFirst().orElse(Map.of()),
                row -> plan.equals(row.get("plan")) && status.equals(row.get("status"))
                        && java.util.Objects.equals(until, row.get("valid_until")));
    }

    private Map<String, Object> latestOutboxRow(UUID user) {
        return rows.query("select plan, status, valid_until from outbox where user_id = ? order by id desc limit 1",
                user).getFirst();
    }
}
