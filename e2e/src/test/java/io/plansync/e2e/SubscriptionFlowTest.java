package io.plansync.e2e;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.StripeClient;
import com.stripe.model.Subscription;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.SubscriptionUpdateParams;
import io.plansync.testing.Eventually;
import io.plansync.testing.stripe.StripeEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscription end to end, both services as processes and the Stripe emulator as Stripe: bought through
 * POST /checkout-sessions and the hosted page, canceled at period end, and then expiring at identity-service on
 * time with payment-service stopped: no webhook, no sync, just validUntil.
 *
 * <p>The catalog's monthly pro price is a daily one here, and Stripe's clock is set so that the period ends about
 * half a minute after the purchase in real time, which is the clock identity-service judges expiry by.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionFlowTest {
    private static final Duration PERIOD_LEFT = Duration.ofSeconds(30);
    private final StripeEmulator stripe = new StripeEmulator(StripeEmulator.Options.defaults()
            .clock(Instant.now().minus(Duration.ofDays(2)), true));
    private final PlanSyncSystem system;
    private final StripeClient stripeApi = StripeClient.builder().setApiKey("sk_test_e2e").setApiBase(stripe.url())
            .build();
    private final HttpClient browser = HttpClient.newHttpClient();

    SubscriptionFlowTest() {
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_pro_daily", 100, "usd").withInterval("day", 1));
        system = new PlanSyncSystem(1, false, Map.of("PLANSYNC_PRO_MONTHLY_PRICE_ID", "price_pro_daily",
                "PLANSYNC_SUBSCRIPTION_REFRESH_POLL_INTERVAL", "500ms"), stripe);
    }

    @AfterAll
    void stop() {
        system.close();
        stripe.close();
    }

    @Test
    void a_subscription_canceled_at_period_end_ends_at_identity_on_time_with_payment_service_stopped()
            throws Exception {
        var user = system.newUser();
        // The period is one day: start it so that it ends PERIOD_LEFT from now.
        stripe.advanceClock(Duration.between(stripe.now(), Instant.now().minus(Duration.ofDays(1)).plus(PERIOD_LEFT)));

        JsonObject session = system.http.call("POST", system.payment(0).url() + "/checkout-sessions", user.token(),
                Map.of("plan", "pro", "interval", "month"), 200);
        HttpResponse<Void> paid = browser.send(HttpRequest.newBuilder(URI.create(session.get("url").getAsString()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("card=good")).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(paid.statusCode()).as("the hosted page redirects to success_url").isEqualTo(303);

        Subscription subscription = stripeApi.v1().subscriptions().list(SubscriptionListParams.builder().build())
                .getData().getFirst();
        Instant periodEnd = Instant.ofEpochSecond(subscription.getItems().getData().getFirst().getCurrentPeriodEnd());
        JsonObject me = Eventually.await("identity to show pro", Duration.ofSeconds(20), () -> me(user),
                m -> "pro".equals(m.get("plan").getAsString()));
        assertThat(me.get("status").getAsString()).isEqualTo("active");
        assertThat(Instant.parse(me.get("validUntil").getAsString())).as("period end plus the renewal leeway")
                .isAfter(periodEnd);

        stripeApi.v1().subscriptions().update(subscription.getId(), SubscriptionUpdateParams.builder()
                .setCancelAtPeriodEnd(true).build());
        Eventually.await("identity to hold pro until exactly the period end", Duration.ofSeconds(20), () -> me(user),
                m -> !m.get("validUntil").isJsonNull() && periodEnd.equals(Instant.parse(
                        m.get("validUntil").getAsString())));
        assertThat(Instant.now()).as("the test reached this point before the period ended").isBefore(periodEnd);
        assertThat(claims(login(user)).get("plan").getAsString()).isEqualTo("pro");

        system.payment(0).kill();
        Eventually.await("the period to end", PERIOD_LEFT.plusSeconds(10), Instant::now,
                now -> !now.isBefore(periodEnd));

        JsonObject after = me(user);
        assertThat(after.get("plan").getAsString()).isEqualTo("free");
        assertThat(after.getAsJsonArray("entitlements")).isEmpty();
        assertThat(system.http.call("GET", system.identity.url() + "/admin/users/" + user.id(), system.adminToken(),
                null, 200).get("plan").getAsString()).isEqualTo("free");
        JsonObject fresh = claims(login(user));
        assertThat(fresh.get("plan").getAsString()).as("a new token carries the ended plan").isEqualTo("free");
        assertThat(fresh.getAsJsonArray("entitlements")).isEmpty();
    }

    private JsonObject me(PlanSyncSystem.User user) {
        return system.http.call("GET", system.identity.url() + "/users/me", user.token(), null, 200);
    }

    private String login(PlanSyncSystem.User user) {
        return system.http.call("POST", system.identity.url() + "/auth/login", null,
                Map.of("email", user.email(), "password", "a long enough password"), 200)
                .get("access_token").getAsString();
    }

    private static JsonObject claims(String token) {
        String payload = token.split("\\.")[1];
        return JsonParser.parseString(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }
}
