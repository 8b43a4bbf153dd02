package io.plansync.e2e;

import io.plansync.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** payment-service is killed (kill -9) right after acknowledging webhooks: every acknowledged plan still arrives. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentCrashTest {
    private static final int USERS = 40;
    private final PlanSyncSystem system = new PlanSyncSystem(1);

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
}
