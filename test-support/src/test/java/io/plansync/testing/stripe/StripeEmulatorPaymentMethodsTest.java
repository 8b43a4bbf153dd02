package io.plansync.testing.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.Customer;
import com.stripe.model.PaymentMethod;
import com.stripe.model.SetupIntent;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.PaymentMethodListParams;
import com.stripe.param.SetupIntentCreateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cards saved for later, driven through stripe-java: a SetupIntent for a customer, the card page stand-in that adds
 * a test card and returns to the caller, the customer's cards listed, one made the default, one detached.
 */
class StripeEmulatorPaymentMethodsTest {
    private StripeEmulator emulator;
    private StripeClient stripe;

    @BeforeEach
    void start() {
        emulator = new StripeEmulator(StripeEmulator.Options.defaults());
        stripe = Harness.stripe(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void a_card_is_added_through_a_setup_intent_listed_made_default_and_detached() throws Exception {
        Customer customer = Harness.customer(stripe, "user-1");
        SetupIntent intent = stripe.v1().setupIntents().create(SetupIntentCreateParams.builder()
                .setCustomer(customer.getId()).addPaymentMethodType("card").build());
        assertThat(intent.getStatus()).isEqualTo("requires_payment_method");
        assertThat(intent.getClientSecret()).startsWith(intent.getId() + "_secret_");

        String page = emulator.url() + "/__emulator/setup/" + intent.getId();
        assertThat(Harness.get(page + "?return_url=" + URLEncoder.encode("http://app.test/billing/cards",
                StandardCharsets.UTF_8)).body()).contains("Add Visa ending 4242").contains("Not Stripe");
        HttpResponse<String> added = Harness.post(page, "card=visa&return_url="
                + URLEncoder.encode("http://app.test/billing/cards", StandardCharsets.UTF_8));
        assertThat(added.statusCode()).isEqualTo(303);
        assertThat(added.headers().firstValue("Location"))
                .hasValue("http://app.test/billing/cards?setup_intent=" + intent.getId());

        SetupIntent done = stripe.v1().setupIntents().retrieve(intent.getId());
        assertThat(done.getStatus()).isEqualTo("succeeded");
        var cards = stripe.v1().paymentMethods().list(PaymentMethodListParams.builder()
                .setCustomer(customer.getId()).setType(PaymentMethodListParams.Type.CARD).build()).getData();
        assertThat(cards).extracting(PaymentMethod::getId).containsExactly(done.getPaymentMethod());
        assertThat(cards.getFirst().getCard().getLast4()).isEqualTo("4242");
        assertThat(cards.getFirst().getCard().getBrand()).isEqualTo("visa");

        String second = emulator.completeSetup(stripe.v1().setupIntents().create(SetupIntentCreateParams.builder()
                .setCustomer(customer.getId()).build()).getId(), "mastercard");
        Customer updated = stripe.v1().customers().update(customer.getId(), CustomerUpdateParams.builder()
                .setInvoiceSettings(CustomerUpdateParams.InvoiceSettings.builder().setDefaultPaymentMethod(second)
                        .build()).build());
        assertThat(updated.getInvoiceSettings().getDefaultPaymentMethod()).isEqualTo(second);

        stripe.v1().paymentMethods().detach(second);
        assertThat(stripe.v1().customers().retrieve(customer.getId()).getInvoiceSettings().getDefaultPaymentMethod())
                .as("the default is cleared with its card").isNull();
        assertThat(stripe.v1().paymentMethods().list(PaymentMethodListParams.builder()
                .setCustomer(customer.getId()).build()).getData()).extracting(PaymentMethod::getId)
                .containsExactly(done.getPaymentMethod());
        assertThat(emulator.events("setup_intent.succeeded")).hasSize(2);
        assertThat(emulator.events("payment_method.attached")).hasSize(2);
        assertThat(emulator.events("payment_method.detached")).hasSize(1);
    }

    @Test
    void a_checkout_session_in_setup_mode_saves_a_card_on_the_hosted_page_and_charges_nothing() throws Exception {
        Customer customer = Harness.customer(stripe, "user-1");
        com.stripe.model.checkout.Session session = stripe.v1().checkout().sessions().create(
                com.stripe.param.checkout.SessionCreateParams.builder()
                        .setMode(com.stripe.param.checkout.SessionCreateParams.Mode.SETUP)
                        .setCustomer(customer.getId())
                        .addPaymentMethodType(com.stripe.param.checkout.SessionCreateParams.PaymentMethodType.CARD)
                        .setSuccessUrl("http://app.test/billing?card=saved").setCancelUrl("http://app.test/billing")
                        .build());
        assertThat(session.getMode()).isEqualTo("setup");
        assertThat(session.getSetupIntent()).startsWith("seti_");
        assertThat(Harness.get(session.getUrl()).body()).contains("Save Visa ending 4242").contains("nothing is charged");

        HttpResponse<String> saved = Harness.post(session.getUrl(), "card=mastercard");
        assertThat(saved.statusCode()).isEqualTo(303);
        assertThat(saved.headers().firstValue("Location")).hasValue("http://app.test/billing?card=saved");
        assertThat(stripe.v1().checkout().sessions().retrieve(session.getId()).getStatus()).isEqualTo("complete");
        SetupIntent intent = stripe.v1().setupIntents().retrieve(session.getSetupIntent());
        assertThat(intent.getStatus()).isEqualTo("succeeded");
        var cards = stripe.v1().paymentMethods().list(PaymentMethodListParams.builder()
                .setCustomer(customer.getId()).build()).getData();
        assertThat(cards).extracting(PaymentMethod::getId).containsExactly(intent.getPaymentMethod());
        assertThat(cards.getFirst().getCard().getLast4()).isEqualTo("4444");
        assertThat(emulator.events("checkout.session.completed")).hasSize(1);
        assertThat(emulator.events("invoice.paid")).as("nothing charged").isEmpty();
        assertThat(Harness.post(session.getUrl(), "card=visa").body()).as("a completed page saves nothing more")
                .contains("complete");

        assertThatThrownBy(() -> stripe.v1().checkout().sessions().create(
                com.stripe.param.checkout.SessionCreateParams.builder()
                        .setMode(com.stripe.param.checkout.SessionCreateParams.Mode.SETUP)
                        .setSuccessUrl("http://app.test/").build()))
                .as("setup mode needs a customer here").isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void another_customers_card_cannot_be_made_default_and_a_used_intent_cannot_add_another_card() throws Exception {
        Customer one = Harness.customer(stripe, "user-1");
        Customer other = Harness.customer(stripe, "user-2");
        SetupIntent intent = stripe.v1().setupIntents().create(SetupIntentCreateParams.builder()
                .setCustomer(other.getId()).build());
        String othersCard = emulator.completeSetup(intent.getId(), "visa");

        assertThatThrownBy(() -> stripe.v1().customers().update(one.getId(), CustomerUpdateParams.builder()
                .setInvoiceSettings(CustomerUpdateParams.InvoiceSettings.builder()
                        .setDefaultPaymentMethod(othersCard).build()).build()))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> emulator.completeSetup(intent.getId(), "visa")).hasMessageContaining("succeeded");
    }
}
