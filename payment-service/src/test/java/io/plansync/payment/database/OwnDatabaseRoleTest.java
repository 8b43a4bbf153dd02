package io.plansync.payment.database;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * payment-service as deployed: logged in as a role that only owns its database (no superuser, no CREATEDB, no
 * CREATEROLE). Every Flyway migration runs as that owner and a paid plan is recorded.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnDatabaseRoleTest implements TestPropertyProvider {
    private final TestDatabases.Database database = TestDatabases.freshOwnedByOwnRole("payments");
    private final TestUserTokens users = new TestUserTokens();

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return PaymentTestProperties.of(database, "http://127.0.0.1:9", "http://127.0.0.1:9", users.jwksUrl(),
                Map.of("plansync.outbox.relay-enabled", "false", "plansync.reconcile.enabled", "false"));
    }

    @AfterAll
    void stop() {
        users.close();
    }

    @Test
    void every_migration_ran_as_the_unprivileged_owner_and_a_paid_plan_is_recorded() throws SQLException {
        TestDatabases.Ownership ownership = database.ownership();
        assertThat(ownership.privileged()).as("a superuser, or may create databases or roles").isFalse();
        assertThat(ownership.migrations()).as("migrations").isGreaterThanOrEqualTo(5);
        assertThat(ownership.failedMigrations()).as("failed migrations").isZero();
        assertThat(ownership.allRunByOwner()).as("all run by the owner").isTrue();

        UUID user = UUID.randomUUID();
        String payload = StripeWebhooks.paymentIntentSucceeded("evt_" + UUID.randomUUID(),
                Instant.now().getEpochSecond(), "pi_owner", user.toString(), "pro", 2900, "usd");
        var ack = http.toBlocking().exchange(HttpRequest.POST("/webhook", payload)
                .contentType(MediaType.APPLICATION_JSON)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)),
                Argument.mapOf(String.class, Object.class));
        assertThat(ack.getStatus().getCode()).isEqualTo(200);
        var status = http.toBlocking().retrieve(HttpRequest.GET("/user-status").bearerAuth(users.tokenFor(user)),
                Argument.mapOf(String.class, Object.class));
        assertThat(status).containsEntry("plan", "pro");
    }
}
