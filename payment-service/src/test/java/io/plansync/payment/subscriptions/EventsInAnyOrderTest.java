package io.plansync.payment.subscriptions;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.StripeClient;
import com.stripe.model.Subscription;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.SubscriptionUpdateParams;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.plansync.payment.PaymentFixture;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.payment.ledger.SubscriptionState;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.testing.Eventually;
import io.plansync.testing.SqlRows;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.stripe.StripeEmulator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stripe does not order events, and sends some twice. For any history of a subscription (bought, renewed, renewals
 * declined and healed, plan switched, set to cancel and back, ended) and any order of its events with any of them
 * duplicated, payment-service ends with Stripe's current state of the subscription and the plan that state grants.
 * The emulator plays Stripe with its webhooks held back; the test delivers them, shuffled, itself.
 */
class EventsInAnyOrderTest {
    private static StripeEmulator stripe;
    private static StripeClient stripeApi;
    private static TestUserTokens tokens;
    private static EmbeddedServer server;
    private static Connection jdbc;
    private static SqlRows rows;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One thing that happens to a subscription at Stripe. */
    enum Step { RENEW, DECLINE_CARD, HEAL_CARD, SWITCH_PLAN, CANCEL_AT_PERIOD_END, KEEP, ONE_DAY, CANCEL_NOW }

    @BeforeContainer
    static void start() throws Exception {
        stripe = new StripeEmulator(StripeEmulator.Options.defaults());
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_pro_monthly", 2900, "usd"));
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_enterprise_monthly", 9900, "usd"));
        stripe.setWebhookDelivery(false);
        stripeApi = StripeClient.builder().setApiKey("sk_test_plansync").setApiBase(stripe.url()).build();
        tokens = new TestUserTokens();
        TestDatabases.Database database = TestDatabases.fresh("payments");
        Map<String, Object> properties = new HashMap<>(PaymentTestProperties.of(database, stripe.url(),
                PaymentFixture.NO_IDENTITY, tokens.jwksUrl(), Map.of(
                        "plansync.outbox.relay-enabled", "false",
                        "plansync.reconcile.enabled", "false",
                        "plansync.subscriptions.refresh-poll-interval", "100ms")));
        server = ApplicationContext.run(EmbeddedServer.class, properties, "test");
        jdbc = database.connect();
        rows = new SqlRows(jdbc);
    }

    @AfterContainer
    static void stop() throws Exception {
        if (server != null) {
            server.getApplicationContext().close();
        }
        if (jdbc != null) {
            jdbc.close();
        }
        if (tokens != null) {
            tokens.close();
        }
        if (stripe != null) {
            stripe.close();
        }
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        return Arbitraries.of(Step.class).list().ofMinSize(0).ofMaxSize(6);
    }

    @Property(tries = 25, seed = "20261202", shrinking = ShrinkingMode.OFF)
    void any_order_of_a_subscriptions_events_ends_in_stripes_current_state(@ForAll("histories") List<Step> history,
                                                                           @ForAll long shuffleSeed)
            throws Exception {
        UUID user = UUID.randomUUID();
        int before = stripe.events().size();
        String sessionId = (String) post("/checkout-sessions", "{\"plan\":\"pro\",\"interval\":\"month\"}",
                tokens.tokenFor(user)).get("id");
        stripe.completeCheckout(sessionId, StripeEmulator.TestCard.GOOD);
        String customer = rows.texts("select stripe_customer_id from customers where user_id = ?", user).getFirst();
        String subscriptionId = subscription(customer).getId();
        for (Step step : history) {
            happen(step, customer, subscriptionId);
        }
        List<String> events = new ArrayList<>(stripe.events().subList(before, stripe.events().size()));
        Random random = new Random(shuffleSeed);
        for (int i = 0, n = events.size(); i < n; i++) {
            if (random.nextInt(3) == 0) {
                events.add(events.get(i));
            }
        }
        Collections.shuffle(events, random);
        for (String event : events) {
            deliver(event);
        }

        Subscription now = stripeApi.v1().subscriptions().retrieve(subscriptionId);
        SubscriptionState expected = SubscriptionRules.stateOf(StripeSubscription.of(now), user,
                server.getApplicationContext().getBean(PlanCatalog.class), Duration.ofDays(3), Duration.ofHours(1));
        Map<String, Object> recorded = Eventually.await("subscription " + subscriptionId + " recorded as Stripe has "
                        + "it after " + history + " (" + events.size() + " deliveries)", Duration.ofSeconds(20),
                () -> rows.count("select count(*) from subscription_refreshes where subscription_id = ?",
                        subscriptionId) > 0 ? Map.<String, Object>of() : rows.query("select * from subscriptions "
                        + "where subscription_id = ?", subscriptionId).stream().findFirst().orElse(Map.of()),
                row -> !row.isEmpty());
        assertThat(recorded.get("stripe_status")).isEqualTo(expected.stripeStatus());
        assertThat(recorded.get("plan")).isEqualTo(expected.plan());
        assertThat(recorded.get("plan_status")).isEqualTo(expected.planStatus().wire());
        assertThat(recorded.get("cancel_at_period_end")).isEqualTo(expected.cancelAtPeriodEnd());
        assertThat(recorded.get("valid_until")).isEqualTo(expected.validUntil());
        assertThat(recorded.get("user_id")).isEqualTo(user);

        Map<String, Object> plan = rows.query("select plan, status, valid_until from user_plans where user_id = ?",
                user).getFirst();
        boolean grants = expected.grantsAt(Instant.now());
        assertThat(plan.get("plan")).isEqualTo(grants ? expected.plan() : "free");
        assertThat(plan.get("status")).isEqualTo(grants ? expected.planStatus().wire() : "canceled");
        assertThat(plan.get("valid_until")).isEqualTo(grants ? expected.validUntil() : null);
    }

    private void happen(Step step, String customer, String subscriptionId) throws Exception {
        Subscription current = stripeApi.v1().subscriptions().retrieve(subscriptionId);
        boolean ended = "canceled".equals(current.getStatus());
        switch (step) {
            case RENEW -> stripe.advanceClock(Duration.between(stripe.now(), Instant.ofEpochSecond(
                    current.getItems().getData().getFirst().getCurrentPeriodEnd())).plusMinutes(1));
            case DECLINE_CARD -> stripe.setCardFails(customer, true);
            case HEAL_CARD -> stripe.setCardFails(customer, false);
            case ONE_DAY -> stripe.advanceClock(Duration.ofDays(1));
            case SWITCH_PLAN -> {
                if (!ended) {
                    var item = current.getItems().getData().getFirst();
                    String other = "price_pro_monthly".equals(item.getPrice().getId()) ? "price_enterprise_monthly"
                            : "price_pro_monthly";
                    stripeApi.v1().subscriptions().update(subscriptionId, SubscriptionUpdateParams.builder()
                            .addItem(SubscriptionUpdateParams.Item.builder().setId(item.getId()).setPrice(other)
                                    .build()).build());
                }
            }
            case CANCEL_AT_PERIOD_END, KEEP -> {
                if (!ended) {
                    stripeApi.v1().subscriptions().update(subscriptionId, SubscriptionUpdateParams.builder()
                            .setCancelAtPeriodEnd(step == Step.CANCEL_AT_PERIOD_END).build());
                }
            }
            case CANCEL_NOW -> {
                if (!ended) {
                    stripeApi.v1().subscriptions().cancel(subscriptionId);
                }
            }
        }
    }

    private static Subscription subscription(String customer) throws Exception {
        return stripeApi.v1().subscriptions().list(SubscriptionListParams.builder().setCustomer(customer)
                .setStatus(SubscriptionListParams.Status.ALL).build()).getData().getFirst();
    }

    private static void deliver(String event) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/webhook"))
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", StripeWebhooks.sign(event, PaymentTestProperties.WEBHOOK_SECRET))
                .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("the webhook's answer to %s", type(event)).isEqualTo(200);
    }

    private static String type(String event) {
        JsonObject root = JsonParser.parseString(event).getAsJsonObject();
        return root.get("type").getAsString();
    }

    private static Map<?, ?> post(String path, String body, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return io.micronaut.json.JsonMapper.createDefault().readValue(response.body(), Map.class);
    }

}
