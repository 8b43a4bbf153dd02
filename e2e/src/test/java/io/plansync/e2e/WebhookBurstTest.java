package io.plansync.e2e;

import io.plansync.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** A launch: 200 users pay at once and Stripe's webhooks arrive from 16 concurrent connections. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookBurstTest {
    private static final int USERS = 200;
    private static final int CLIENTS = 16;
    private final PlanSyncSystem system = new PlanSyncSystem(1);

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    void two_hundred_concurrent_webhooks_all_reach_identity() throws Exception {
        List<PlanSyncSystem.User> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(system.newUser());
        }
        List<String> paymentIntents = new ArrayList<>();
        for (var user : users) {
            paymentIntents.add(system.buy(user, "enterprise", 0));
        }
        long created = Instant.now().getEpochSecond();
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            for (int i = 0; i < users.size(); i++) {
                String userId = users.get(i).id();
                String paymentIntent = paymentIntents.get(i);
                answers.add(clients.submit(() -> system.deliverSucceeded(userId, paymentIntent, "enterprise", 9900,
                        created, 0)));
            }
        }
        for (Future<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(200);
        }

        String admin = system.adminToken();
        for (var user : users) {
            Eventually.await("identity to report enterprise for " + user.email(), Duration.ofSeconds(30),
                    () -> system.planAtIdentity(user.id(), admin), "enterprise"::equals);
        }
    }
}
