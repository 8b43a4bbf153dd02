package io.plansync.e2e;

import io.plansync.testing.Eventually;
import io.plansync.testing.StripeWebhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A user buys pro; identity-service goes down; the payment is refunded; identity-service comes back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PurchaseFlowTest {
    private final PlanSyncSystem system = new PlanSyncSystem(1);

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    void a_purchase_reaches_identity_and_a_refund_made_during_an_outage_arrives_when_it_is_back() {
        var user = system.newUser();
        var plans = system.http.array(system.payment(0).url() + "/plans");
        assertThat(plans.toString()).contains("\"id\":\"pro\"").contains("\"amount\":2900");

        String paymentIntent = system.buy(user, "pro", 0);
        long paidAt = Instant.now().getEpochSecond() - 10;
        assertThat(system.deliverSucceeded(user.id(), paymentIntent, "pro", 2900, paidAt, 0)).isEqualTo(200);

        Eventually.await("identity to report pro", Duration.ofSeconds(15), () -> planOf(user), "pro"::equals);

        system.identity.stop();
        String refund = StripeWebhooks.chargeRefunded("evt_" + UUID.randomUUID(), paidAt + 5, paymentIntent, 2900, 2900);
        assertThat(system.webhook(refund, 0)).isEqualTo(200);
        var waiting = Eventually.await("the sync to wait for identity", Duration.ofSeconds(15),
                () -> system.http.call("GET", system.payment(0).url() + "/user-status", user.token(), null, 200),
                status -> status.getAsJsonObject("sync").get("attempts").getAsInt() >= 1);
        assertThat(waiting.get("plan").getAsString()).isEqualTo("free");
        assertThat(waiting.getAsJsonObject("sync").get("state").getAsString()).isEqualTo("retrying");

        system.identity.start();

        Eventually.await("identity to report free", Duration.ofSeconds(30), () -> planOf(user), "free"::equals);
        // identity commits the change before it answers; payment-service records the row done after the answer.
        Eventually.await("payment-service to record the sync", Duration.ofSeconds(10),
                () -> system.http.call("GET", system.payment(0).url() + "/user-status", user.token(), null, 200)
                        .getAsJsonObject("sync").get("state").getAsString(), "synced"::equals);
    }

    private String planOf(PlanSyncSystem.User user) {
        return system.http.call("GET", system.identity.url() + "/users/me", user.token(), null, 200)
                .get("plan").getAsString();
    }
}
