package io.plansync.e2e;

import io.plansync.contracts.OutboxState;
import io.plansync.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two payment-service processes on one database: webhooks land on either; every plan arrives once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoPaymentReplicasTest {
    private static final int USERS = 60;
    private final PlanSyncSystem system = new PlanSyncSystem(2);

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    void every_plan_arrives_whichever_replica_took_the_webhook() throws Exception {
        List<PlanSyncSystem.User> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(system.newUser());
        }
        long created = Instant.now().getEpochSecond();
        for (int i = 0; i < USERS; i++) {
            // Bought through one replica, paid through the other: they share one ledger.
            String paymentIntent = system.buy(users.get(i), "pro", (i + 1) % 2);
            assertThat(system.deliverSucceeded(users.get(i).id(), paymentIntent, "pro", 2900, created, i % 2))
                    .isEqualTo(200);
        }

        String admin = system.adminToken();
        for (var user : users) {
            Eventually.await("identity to report pro for " + user.email(), Duration.ofSeconds(30),
                    () -> system.planAtIdentity(user.id(), admin), "pro"::equals);
        }
        try (Connection connection = system.paymentDatabase.connect();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select count(*), count(*)"
                             + " filter (where state = '" + OutboxState.Names.DONE + "'), sum(attempts) from outbox")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(USERS);
            assertThat(rows.getInt(2)).isEqualTo(USERS);
            assertThat(rows.getInt(3)).as("each row delivered by exactly one relay, once").isEqualTo(USERS);
        }
    }
}
