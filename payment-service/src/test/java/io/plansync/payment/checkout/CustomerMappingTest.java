package io.plansync.payment.checkout;

import com.stripe.StripeClient;
import com.stripe.param.CustomerUpdateParams;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentFixture;
import io.plansync.testing.SqlRows;
import io.plansync.testing.stripe.StripeEmulator;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The user-to-customer mapping as a record: which flow created it, every read and change audited, checked against
 * Stripe again before use once old, and refused (409 MAPPING_STALE) when the customer no longer names the user.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomerMappingTest implements TestPropertyProvider {
    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final StripeEmulator stripe = new StripeEmulator(StripeEmulator.Options.defaults());
    private final StripeClient stripeApi = StripeClient.builder().setApiKey("sk_test_plansync")
            .setApiBase(stripe.url()).build();
    private final SqlRows rows = fixture.rows();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    RevalidateMappings revalidateMappings;

    @Override
    public Map<String, String> getProperties() {
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_pro_monthly", 2900, "usd"));
        return fixture.properties(Map.of("plansync.stripe.api-base", stripe.url(),
                "plansync.outbox.relay-enabled", "false"));
    }

    @AfterAll
    void closeStripe() {
        stripe.close();
    }

    @Test
    void the_first_purchase_creates_the_mapping_with_its_flow_and_every_use_is_audited() {
        UUID user = UUID.randomUUID();
        checkout(user);
        checkout(user);

        assertThat(rows.query("select created_by, verified_by from customers where user_id = ?", user).getFirst())
                .containsEntry("created_by", "subscription-checkout")
                .containsEntry("verified_by", "customer metadata userId");
        assertThat(rows.texts("select action from customer_mapping_audit where user_id = ? order by id", user))
                .containsExactly("created", "read");
        assertThatThrownBy(() -> rows.execute("delete from customer_mapping_audit where user_id = ?", user))
                .as("the trail is append-only").hasMessageContaining("append-only");
    }

    @Test
    void an_old_mapping_is_checked_again_before_use_and_refused_when_the_customer_names_someone_else()
            throws Exception {
        UUID user = UUID.randomUUID();
        checkout(user);
        String customer = rows.texts("select stripe_customer_id from customers where user_id = ?", user).getFirst();
        rows.execute("update customers set last_validated_at = now() - interval '2 days' where user_id = ?", user);

        checkout(user);
        assertThat(rows.texts("select action from customer_mapping_audit where user_id = ? order by id", user))
                .containsExactly("created", "read", "validated");

        stripeApi.v1().customers().update(customer, CustomerUpdateParams.builder()
                .putMetadata("userId", UUID.randomUUID().toString()).build());
        rows.execute("update customers set last_validated_at = now() - interval '2 days' where user_id = ?", user);
        assertThatThrownBy(() -> checkout(user)).isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(409);
            assertThat(e.getResponse().getBody(Map.class).orElseThrow()).containsEntry("code", "MAPPING_STALE");
        });
        assertThat(rows.texts("select action from customer_mapping_audit where user_id = ? order by id desc limit 1",
                user)).containsExactly("validation_failed");
    }

    @Test
    void the_daily_run_checks_every_old_mapping_and_counts_those_that_no_longer_check_out() throws Exception {
        UUID good = UUID.randomUUID();
        UUID bad = UUID.randomUUID();
        checkout(good);
        checkout(bad);
        String badCustomer = rows.texts("select stripe_customer_id from customers where user_id = ?", bad).getFirst();
        stripeApi.v1().customers().update(badCustomer, CustomerUpdateParams.builder()
                .putMetadata("userId", "someone-else").build());
        rows.execute("update customers set last_validated_at = now() - interval '2 days' where user_id in (?, ?)",
                good, bad);

        int[] counts = revalidateMappings.run();

        assertThat(counts[0]).isGreaterThanOrEqualTo(2);
        assertThat(counts[1]).isGreaterThanOrEqualTo(1);
        assertThat(rows.texts("select action from customer_mapping_audit where user_id = ? and flow = 'daily'", good))
                .containsExactly("validated");
        assertThat(rows.texts("select action from customer_mapping_audit where user_id = ? and flow = 'daily'", bad))
                .containsExactly("validation_failed");
    }

    private void checkout(UUID user) {
        http.toBlocking().retrieve(HttpRequest.POST("/checkout-sessions", Map.of("plan", "pro", "interval", "month"))
                .bearerAuth(fixture.users().tokenFor(user)), Map.class);
    }
}
