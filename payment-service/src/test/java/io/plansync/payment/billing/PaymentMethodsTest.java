package io.plansync.payment.billing;

import com.stripe.StripeClient;
import com.stripe.model.PaymentMethod;
import com.stripe.param.PaymentMethodListParams;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentFixture;
import io.plansync.testing.stripe.StripeEmulator;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cards on the billing pages over plain HTTP, with the Stripe emulator as Stripe (the browser flow is e2e's
 * BillingPagesBrowserTest): added on Stripe's hosted page, listed, made the default, removed; and each operation
 * token good for one category, one user, their customer and one request. Card changes past the notice level are
 * counted as unusual, and refused past the hard limit.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentMethodsTest implements TestPropertyProvider {
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
    private static final Pattern REDIRECT = Pattern.compile("\"redirect\":\"([^\"]+)\"");

    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final StripeEmulator emulator = new StripeEmulator(StripeEmulator.Options.defaults());
    private final StripeClient stripe = StripeClient.builder().setApiKey("sk_test_plansync")
            .setApiBase(emulator.url()).build();
    private final HttpClient http = HttpClient.newHttpClient();

    @Inject
    EmbeddedServer server;

    @Inject
    BillingSessions sessions;

    @Inject
    MeterRegistry meters;

    @Override
    public Map<String, String> getProperties() {
        return fixture.properties(Map.of("plansync.outbox.relay-enabled", "false",
                "plansync.stripe.api-base", emulator.url(),
                "plansync.payment-methods.changes-notice-per-hour", "2",
                "plansync.payment-methods.changes-limit-per-hour", "4"));
    }

    @AfterAll
    void closeStripe() {
        emulator.close();
    }

    /** A signed-in browser: its cookies and CSRF token, as sign-in through identity would leave them. */
    private record Browser(UUID user, String session, String csrf) {
        String cookies() {
            return "plansync_billing_session=" + session + "; plansync_billing_csrf=" + csrf;
        }
    }

    private Browser signedIn() throws Exception {
        UUID user = UUID.randomUUID();
        String session = SessionRules.newSecret();
        String csrf = SessionRules.newSecret();
        sessions.create(SessionRules.hash(session), user, SessionRules.hash(csrf), user + "@example.test", Set.of(),
                Instant.now().plusSeconds(3600), "127.0.0.1");
        return new Browser(user, session, csrf);
    }

    @Test
    void a_card_is_added_on_stripes_page_listed_made_the_default_and_removed() throws Exception {
        Browser browser = signedIn();
        assertProblem(withToken("GET", "/billing/payment-methods", browser, "payment_methods:read"), 409,
                "NO_BILLING_ACCOUNT");

        String first = addCard(browser, "visa");
        String second = addCard(browser, "mastercard");
        String customer = fixture.rows().texts("select stripe_customer_id from customers where user_id = ?",
                browser.user()).getFirst();
        assertThat(fixture.rows().texts("select created_by from customers where user_id = ?", browser.user()))
                .containsExactly("payment-methods");
        assertThat(stripe.v1().customers().retrieve(customer).getMetadata()).containsEntry("userId",
                browser.user().toString());

        HttpResponse<String> listed = withToken("GET", "/billing/payment-methods", browser, "payment_methods:read");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(listed.body()).contains(first).contains(second).contains("\"last4\":\"4242\"")
                .contains("\"last4\":\"4444\"").doesNotContain("\"isDefault\":true");

        HttpResponse<String> preferred = withToken("POST", "/billing/payment-methods/" + second + "/default",
                browser, "payment_methods:write");
        assertThat(preferred.statusCode()).as(preferred.body()).isEqualTo(200);
        assertThat(stripe.v1().customers().retrieve(customer).getInvoiceSettings().getDefaultPaymentMethod())
                .isEqualTo(second);

        HttpResponse<String> removed = withToken("DELETE", "/billing/payment-methods/" + first, browser,
                "payment_methods:delete");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(removed.body()).doesNotContain(first).contains(second).contains("\"isDefault\":true");
        assertThat(cardsOf(customer)).containsExactly(second);
        assertThat(fixture.rows().count("select count(*) from customer_mapping_audit where user_id = ? "
                + "and flow = 'payment-methods'", browser.user())).as("every use of the mapping is audited")
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void a_token_is_refused_for_another_category_another_user_a_second_use_or_when_forged() throws Exception {
        Browser owner = signedIn();
        String card = addCard(owner, "visa");
        Browser other = signedIn();
        addCard(other, "visa");

        String read = token(owner, "payment_methods:read");
        assertProblem(send("DELETE", "/billing/payment-methods/" + card, owner, read), 403,
                "OPERATION_TOKEN_FORBIDDEN");
        assertProblem(send("POST", "/billing/payment-methods/" + card + "/default", owner, read), 403,
                "OPERATION_TOKEN_FORBIDDEN");
        assertProblem(send("GET", "/billing/payment-methods", other, read), 403, "OPERATION_TOKEN_FORBIDDEN");

        assertThat(send("GET", "/billing/payment-methods", owner, read).statusCode()).isEqualTo(200);
        assertProblem(send("GET", "/billing/payment-methods", owner, read), 401, "OPERATION_TOKEN_INVALID");

        String delete = token(owner, "payment_methods:delete");
        String[] parts = delete.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertProblem(send("DELETE", "/billing/payment-methods/" + card, owner, forged), 401,
                "OPERATION_TOKEN_INVALID");
        assertProblem(send("DELETE", "/billing/payment-methods/" + card, owner, null), 401,
                "OPERATION_TOKEN_INVALID");
        assertProblem(send("DELETE", "/billing/payment-methods/" + card, owner, "not-a-token"), 401,
                "OPERATION_TOKEN_INVALID");
        assertThat(cardsOf(customerOf(owner))).as("nothing was removed").containsExactly(card);

        assertProblem(post("/billing/operation-tokens", owner, "{\"category\":\"payment_methods:everything\"}",
                owner.csrf()), 400, "VALIDATION_FAILED");
        assertProblem(post("/billing/operation-tokens", owner, "{\"category\":\"payment_methods:read\"}", null), 403,
                "CSRF_INVALID");
    }

    @Test
    void another_customers_card_is_not_found_and_stays_where_it_is() throws Exception {
        Browser owner = signedIn();
        String card = addCard(owner, "visa");
        Browser thief = signedIn();
        addCard(thief, "mastercard");

        assertProblem(withToken("DELETE", "/billing/payment-methods/" + card, thief, "payment_methods:delete"), 404,
                "PAYMENT_METHOD_NOT_FOUND");
        assertProblem(withToken("POST", "/billing/payment-methods/" + card + "/default", thief,
                "payment_methods:write"), 404, "PAYMENT_METHOD_NOT_FOUND");
        assertProblem(withToken("DELETE", "/billing/payment-methods/pm_doesnotexist", thief,
                "payment_methods:delete"), 404, "PAYMENT_METHOD_NOT_FOUND");
        assertThat(cardsOf(customerOf(owner))).containsExactly(card);
    }

    @Test
    void card_changes_past_the_notice_are_counted_as_unusual_and_refused_past_the_limit() throws Exception {
        Browser browser = signedIn();
        double unusualBefore = meters.counter("plansync.payment.method.changes", "outcome", "unusual").count();
        String card = addCard(browser, "visa");
        addCard(browser, "mastercard");
        for (int i = 0; i < 2; i++) {
            assertThat(withToken("POST", "/billing/payment-methods/" + card + "/default", browser,
                    "payment_methods:write").statusCode()).isEqualTo(200);
        }
        assertThat(meters.counter("plansync.payment.method.changes", "outcome", "unusual").count() - unusualBefore)
                .as("the third and fourth change in the hour").isEqualTo(2);

        HttpResponse<String> refused = withToken("DELETE", "/billing/payment-methods/" + card, browser,
                "payment_methods:delete");
        assertProblem(refused, 429, "RATE_LIMITED");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).containsPattern("\"resetAt\":\"20\\d\\d-");
        assertThat(cardsOf(customerOf(browser))).contains(card);
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** Adds a card as the page does: a write token, Stripe's hosted page, its button; returns the card's id. */
    private String addCard(Browser browser, String brand) throws Exception {
        HttpResponse<String> started = withToken("POST", "/billing/payment-methods", browser,
                "payment_methods:write");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        Matcher redirect = REDIRECT.matcher(started.body());
        assertThat(redirect.find()).isTrue();
        String page = redirect.group(1);
        assertThat(page).startsWith(emulator.url() + "/__emulator/checkout/cs_test_");
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(URI.create(page))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("card=" + brand)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l)
                .endsWith("/billing?card=saved"));
        List<String> cards = cardsOf(customerOf(browser));
        return cards.getFirst();
    }

    private String customerOf(Browser browser) {
        return fixture.rows().texts("select stripe_customer_id from customers where user_id = ?", browser.user())
                .getFirst();
    }

    /** The customer's cards at Stripe, newest first. */
    private List<String> cardsOf(String customer) throws Exception {
        return stripe.v1().paymentMethods().list(PaymentMethodListParams.builder().setCustomer(customer).build())
                .getData().stream().map(PaymentMethod::getId).toList();
    }

    private String token(Browser browser, String category) throws Exception {
        HttpResponse<String> issued = post("/billing/operation-tokens", browser,
                "{\"category\":\"" + category + "\"}", browser.csrf());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        Matcher token = TOKEN.matcher(issued.body());
        assertThat(token.find()).isTrue();
        return token.group(1);
    }

    private HttpResponse<String> withToken(String method, String path, Browser browser, String category)
            throws Exception {
        HttpResponse<String> issued = post("/billing/operation-tokens", browser,
                "{\"category\":\"" + category + "\"}", browser.csrf());
        if (issued.statusCode() != 200) {
            return issued;
        }
        Matcher token = TOKEN.matcher(issued.body());
        assertThat(token.find()).isTrue();
        return send(method, path, browser, token.group(1));
    }

    private HttpResponse<String> send(String method, String path, Browser browser, String operationToken)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Content-Type", "application/json").header("Cookie", browser.cookies())
                .header("X-CSRF-Token", browser.csrf())
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        if (operationToken != null) {
            request.header("X-Operation-Token", operationToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Browser browser, String body, String csrf) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Content-Type", "application/json").header("Cookie", browser.cookies())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String code) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("application/problem+json"));
        assertThat(answer.body()).contains("\"code\":\"" + code + "\"");
        if (status != 429) {
            assertThat(answer.body()).as("resetAt only on a 429").doesNotContain("resetAt");
        }
    }
}
