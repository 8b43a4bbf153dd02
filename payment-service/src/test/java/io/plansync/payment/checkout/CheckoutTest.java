package io.plansync.payment.checkout;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.UserTokens;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanFeatures;
import io.plansync.payment.PaymentFixture;
import io.plansync.payment.TestUserTokens;
import io.plansync.testing.SqlRows;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /plans and POST /create-payment-intent over real HTTP: prices come only from the catalog, the buyer is the
 * token's subject, each user gets one Stripe customer, retries are idempotent at Stripe, and the purchase is
 * recorded locally. The Stripe stand-in records what Stripe would have seen; the database is read with JDBC.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckoutTest implements TestPropertyProvider {
    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final StripeStandIn stripe = fixture.stripe();
    private final TestUserTokens users = fixture.users();
    private final Connection jdbc = fixture.jdbc();
    private final SqlRows rows = fixture.rows();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    @Override
    public Map<String, String> getProperties() {
        return fixture.properties(Map.of("plansync.outbox.relay-enabled", "false"));
    }

    // --- GET /plans ---------------------------------------------------------------------------------------------

    @Test
    void anyone_can_read_the_catalog_with_its_prices() throws IOException {
        var response = http.toBlocking().exchange(HttpRequest.GET("/plans"), String.class);

        assertThat(response.code()).isEqualTo(200);
        List<Map<String, Object>> plans = json.readValue(response.body(),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertThat(plans).containsExactly(
                Map.<String, Object>of("id", "free", "name", "Free", "amount", 0, "currency", "usd",
                        "features", PlanFeatures.of(Plan.FREE), "subscriptions", List.of(), "trialDays", 0),
                Map.<String, Object>of("id", "pro", "name", "Pro", "amount", 2900, "currency", "usd",
                        "features", PlanFeatures.of(Plan.PRO), "subscriptions", List.of(
                                Map.of("interval", "month", "amount", 2900, "currency", "usd"),
                                Map.of("interval", "year", "amount", 29000, "currency", "usd")), "trialDays", 0),
                Map.<String, Object>of("id", "enterprise", "name", "Enterprise", "amount", 9900, "currency", "usd",
                        "features", PlanFeatures.of(Plan.ENTERPRISE), "subscriptions", List.of(
                                Map.of("interval", "month", "amount", 9900, "currency", "usd"),
                                Map.of("interval", "year", "amount", 99000, "currency", "usd")), "trialDays", 14));
        assertThat(PlanFeatures.of(Plan.PRO)).as("the same list identity-service grants").contains("api.access");
    }

    // --- a purchase ---------------------------------------------------------------------------------------------

    @Test
    void buying_pro_creates_a_payment_intent_for_the_catalog_price_for_the_token_user() {
        UUID user = UUID.randomUUID();

        Answer answer = buy(user, Map.of("planType", "pro"), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).containsEntry("amount", 2900).containsEntry("currency", "usd")
                .containsEntry("planType", "pro");
        assertThat((String) answer.body().get("paymentIntentId")).startsWith("pi_");
        // Stripe's client secret is the intent's id, "_secret_" and a random part.
        assertThat((String) answer.body().get("clientSecret"))
                .startsWith(answer.body().get("paymentIntentId") + "_secret_");
        List<Map<String, String>> sent = paymentIntentFormsOf(user);
        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst()).containsEntry("amount", "2900").containsEntry("currency", "usd")
                .containsEntry("metadata[userId]", user.toString()).containsEntry("metadata[plan]", "pro")
                .containsEntry("customer", customerIdOf(user));
    }

    @Test
    void buying_enterprise_charges_the_enterprise_price() {
        UUID user = UUID.randomUUID();

        Answer answer = buy(user, Map.of("planType", "enterprise"), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).containsEntry("amount", 9900).containsEntry("planType", "enterprise");
        assertThat(paymentIntentFormsOf(user)).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("amount", "9900").containsEntry("currency", "usd")
                .containsEntry("metadata[plan]", "enterprise"));
    }

    @Test
    void an_amount_sent_by_the_client_is_ignored() {
        UUID user = UUID.randomUUID();

        Answer answer = buy(user, Map.of("planType", "pro", "amount", 1, "currency", "jpy"), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).containsEntry("amount", 2900).containsEntry("currency", "usd");
        assertThat(paymentIntentFormsOf(user)).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("amount", "2900").containsEntry("currency", "usd"));
        assertThat(query("select amount, currency from payments where user_id = ?", user))
                .containsExactly(Map.of("amount", 2900L, "currency", "usd"));
    }

    @Test
    void the_purchase_is_recorded_locally_as_created() {
        UUID user = UUID.randomUUID();

        Answer answer = buy(user, Map.of("planType", "pro"), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(query("select payment_intent_id, user_id, plan, amount, currency, status from payments "
                + "where user_id = ?", user)).containsExactly(Map.of(
                "payment_intent_id", answer.body().get("paymentIntentId"),
                "user_id", user,
                "plan", "pro",
                "amount", 2900L,
                "currency", "usd",
                "status", "created"));
    }

    // --- who may buy, and what --------------------------------------------------------------------------------

    @Test
    void a_user_id_in_the_body_that_is_not_the_token_subject_is_forbidden() {
        UUID user = UUID.randomUUID();
        UUID someoneElse = UUID.randomUUID();

        Answer answer = buy(user, Map.of("planType", "pro", "userId", someoneElse.toString()), null);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).containsEntry("code", "FORBIDDEN").containsEntry("status", 403);
        assertThat(stripeRequestsMentioning(user)).isEmpty();
        assertThat(stripeRequestsMentioning(someoneElse)).isEmpty();
        assertThat(count("select count(*) from payments where user_id in (?, ?)", user, someoneElse)).isZero();
    }

    @Test
    void a_user_id_in_the_body_that_is_the_token_subject_is_accepted() {
        UUID user = UUID.randomUUID();

        Answer answer = buy(user, Map.of("planType", "pro", "userId", user.toString()), null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(paymentIntentFormsOf(user)).singleElement()
                .satisfies(form -> assertThat(form).containsEntry("metadata[userId]", user.toString()));
    }

    @Test
    void the_free_plan_cannot_be_bought_and_stripe_is_not_called() {
        UUID user = UUID.randomUUID();

        Answer answer = buy(user, Map.of("planType", "free"), null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).containsEntry("code", "PLAN_NOT_PURCHASABLE");
        assertThat(stripeRequestsMentioning(user)).isEmpty();
        assertThat(count("select count(*) from payments where user_id = ?", user)).isZero();
    }

    @Test
    void an_unknown_or_missing_plan_cannot_be_bought_and_stripe_is_not_called() {
        UUID user = UUID.randomUUID();

        Answer unknown = buy(user, Map.of("planType", "platinum"), null);
        Answer missing = buy(user, Map.of(), null);
        Answer misnamed = buy(user, Map.of("plan", "pro"), null);

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).containsEntry("code", "PLAN_NOT_PURCHASABLE");
        for (Answer answer : List.of(missing, misnamed)) {
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.body()).containsEntry("code", "VALIDATION_FAILED");
            assertThat(answer.body().get("errors")).asList()
                    .containsExactly(Map.of("field", "planType", "message", "is required"));
        }
        assertThat(stripeRequestsMentioning(user)).isEmpty();
        assertThat(count("select count(*) from customers where user_id = ?", user)).isZero();
        assertThat(count("select count(*) from payments where user_id = ?", user)).isZero();
    }

    @Test
    void a_request_without_a_token_is_unauthorized_with_a_bearer_challenge() {
        int paymentIntentsBefore = stripe.paymentIntentRequests().size();
        int customersBefore = stripe.customerRequests().size();

        Answer answer = send(HttpRequest.POST("/create-payment-intent", Map.of("planType", "pro")));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.wwwAuthenticate()).startsWith("Bearer");
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).containsEntry("code", "AUTH_INVALID");
        assertThat(stripe.paymentIntentRequests()).hasSize(paymentIntentsBefore);
        assertThat(stripe.customerRequests()).hasSize(customersBefore);
    }

    @Test
    void a_token_signed_by_another_key_is_refused_as_invalid() {
        UUID user = UUID.randomUUID();
        Instant now = Instant.now();
        String forged = TestKeys.sign(TestKeys.newKey(), new JOSEObjectType(UserTokens.TYPE),
                new JWTClaimsSet.Builder()
                        .issuer(UserTokens.DEFAULT_ISSUER)
                        .subject(user.toString())
                        .audience(UserTokens.DEFAULT_AUDIENCE)
                        .claim(UserTokens.CLAIM_ROLES, List.of("user"))
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(300)))
                        .jwtID(UUID.randomUUID().toString())
                        .build());

        Answer answer = send(HttpRequest.POST("/create-payment-intent", Map.of("planType", "pro"))
                .bearerAuth(forged));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body()).containsEntry("code", "AUTH_INVALID");
        assertThat(answer.wwwAuthenticate()).startsWith("Bearer");
        assertThat(stripeRequestsMentioning(user)).isEmpty();
        assertThat(count("select count(*) from payments where user_id = ?", user)).isZero();
    }

    // --- one Stripe customer per user ---------------------------------------------------------------------------

    @Test
    void the_first_purchase_creates_the_users_stripe_customer() {
        UUID user = UUID.randomUUID();

        buy(user, Map.of("planType", "pro"), null);

        List<LoggedRequest> created = customerRequestsOf(user);
        assertThat(created).hasSize(1);
        assertThat(created.getFirst().getHeader("Idempotency-Key")).isNotBlank();
        assertThat(query("select stripe_customer_id from customers where user_id = ?", user)).singleElement()
                .satisfies(row -> assertThat((String) row.get("stripe_customer_id")).startsWith("cus_"));
    }

    @Test
    void a_second_purchase_reuses_the_users_stripe_customer() {
        UUID user = UUID.randomUUID();

        assertThat(buy(user, Map.of("planType", "pro"), null).status()).isEqualTo(200);
        assertThat(buy(user, Map.of("planType", "enterprise"), null).status()).isEqualTo(200);

        assertThat(customerRequestsOf(user)).hasSize(1);
        assertThat(count("select count(*) from customers where user_id = ?", user)).isEqualTo(1);
        String customer = customerIdOf(user);
        assertThat(paymentIntentFormsOf(user)).hasSize(2).allSatisfy(form ->
                assertThat(form).containsEntry("customer", customer));
    }

    @Test
    void concurrent_first_purchases_by_one_user_create_exactly_one_stripe_customer() throws Exception {
        UUID user = UUID.randomUUID();
        String token = users.tokenFor(user);
        int buyers = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(buyers)) {
            for (int i = 0; i < buyers; i++) {
                statuses.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return send(HttpRequest.POST("/create-payment-intent", Map.of("planType", "pro"))
                            .bearerAuth(token)).status();
                }));
            }
            start.countDown();
            for (Future<Integer> status : statuses) {
                assertThat(status.get(20, TimeUnit.SECONDS)).isEqualTo(200);
            }
        }

        assertThat(customerRequestsOf(user)).hasSize(1);
        assertThat(count("select count(*) from customers where user_id = ?", user)).isEqualTo(1);
        String customer = customerIdOf(user);
        assertThat(paymentIntentFormsOf(user)).hasSize(buyers).allSatisfy(form ->
                assertThat(form).containsEntry("customer", customer));
    }

    // --- idempotency at Stripe ----------------------------------------------------------------------------------

    @Test
    void every_payment_intent_request_carries_its_own_idempotency_key() {
        UUID user = UUID.randomUUID();

        buy(user, Map.of("planType", "pro"), null);
        buy(user, Map.of("planType", "pro"), null);

        List<String> keys = paymentIntentRequestsOf(user).stream().map(r -> r.getHeader("Idempotency-Key")).toList();
        assertThat(keys).hasSize(2).allSatisfy(key -> assertThat(key).isNotBlank());
        // Two deliberate purchases without a client key must not collapse into one PaymentIntent at Stripe.
        assertThat(keys.get(0)).isNotEqualTo(keys.get(1));
    }

    @Test
    void a_retry_with_the_same_client_idempotency_key_sends_the_same_key_to_stripe() {
        UUID user = UUID.randomUUID();

        Answer first = buy(user, Map.of("planType", "pro"), "checkout-attempt-1");
        Answer retry = buy(user, Map.of("planType", "pro"), "checkout-attempt-1");

        assertThat(first.status()).isEqualTo(200);
        assertThat(retry.status()).isEqualTo(200);
        List<String> keys = paymentIntentRequestsOf(user).stream().map(r -> r.getHeader("Idempotency-Key")).toList();
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0)).isNotBlank().isEqualTo(keys.get(1));
        // Stripe answers a repeated key with the object it made the first time; so does the stand-in.
        assertThat(retry.body().get("paymentIntentId")).isEqualTo(first.body().get("paymentIntentId"));
        assertThat(retry.body().get("clientSecret")).isEqualTo(first.body().get("clientSecret"));
        assertThat(count("select count(*) from payments where user_id = ?", user)).isEqualTo(1);
    }

    @Test
    void different_client_idempotency_keys_send_different_keys_to_stripe() {
        UUID user = UUID.randomUUID();

        buy(user, Map.of("planType", "pro"), "checkout-attempt-1");
        buy(user, Map.of("planType", "pro"), "checkout-attempt-2");

        List<String> keys = paymentIntentRequestsOf(user).stream().map(r -> r.getHeader("Idempotency-Key")).toList();
        assertThat(keys).hasSize(2).doesNotHaveDuplicates().allSatisfy(key -> assertThat(key).isNotBlank());
    }

    @Test
    void the_same_client_idempotency_key_from_two_users_never_shares_a_payment_intent() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();

        buy(first, Map.of("planType", "pro"), "shared-key");
        buy(second, Map.of("planType", "pro"), "shared-key");

        String firstKey = paymentIntentRequestsOf(first).getFirst().getHeader("Idempotency-Key");
        String secondKey = paymentIntentRequestsOf(second).getFirst().getHeader("Idempotency-Key");
        assertThat(firstKey).isNotBlank().isNotEqualTo(secondKey);
    }

    // --- Stripe down --------------------------------------------------------------------------------------------

    @Test
    void stripe_failing_on_a_first_purchase_answers_502_and_records_nothing() {
        UUID user = UUID.randomUUID();
        Answer answer;
        stripe.failEverything();
        try {
            answer = buy(user, Map.of("planType", "pro"), null);
        } finally {
            stripe.answerNormally();
        }

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).containsEntry("code", "STRIPE_UNAVAILABLE");
        assertThat(count("select count(*) from payments where user_id = ?", user)).isZero();
        assertThat(count("select count(*) from customers where user_id = ?", user)).isZero();
        // Nothing half-done blocks the retry.
        assertThat(buy(user, Map.of("planType", "pro"), null).status()).isEqualTo(200);
        assertThat(count("select count(*) from payments where user_id = ?", user)).isEqualTo(1);
    }

    @Test
    void stripe_failing_on_a_later_purchase_answers_502_and_records_no_payment() {
        UUID user = UUID.randomUUID();
        assertThat(buy(user, Map.of("planType", "pro"), null).status()).isEqualTo(200);
        Answer answer;
        stripe.failEverything();
        try {
            answer = buy(user, Map.of("planType", "enterprise"), null);
        } finally {
            stripe.answerNormally();
        }

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.body()).containsEntry("code", "STRIPE_UNAVAILABLE");
        assertThat(query("select plan from payments where user_id = ?", user))
                .containsExactly(Map.of("plan", "pro"));
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private record Answer(int status, Map<String, Object> body, String contentType, String wwwAuthenticate) {
    }

    private Answer buy(UUID user, Map<String, Object> body, String idempotencyKey) {
        MutableHttpRequest<?> request = HttpRequest.POST("/create-payment-intent", body)
                .contentType(MediaType.APPLICATION_JSON)
                .bearerAuth(users.tokenFor(user));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request);
    }

    private Answer send(MutableHttpRequest<?> request) {
        try {
            var response = http.toBlocking().exchange(request, String.class);
            return new Answer(response.code(), parse(response.body()),
                    response.getContentType().map(MediaType::toString).orElse(""),
                    response.getHeaders().get("WWW-Authenticate"));
        } catch (HttpClientResponseException e) {
            return new Answer(e.code(), parse(e.getResponse().getBody(String.class).orElse(null)),
                    e.getResponse().getContentType().map(MediaType::toString).orElse(""),
                    e.getResponse().getHeaders().get("WWW-Authenticate"));
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        try {
            return json.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private List<LoggedRequest> paymentIntentRequestsOf(UUID user) {
        return stripe.paymentIntentRequests().stream()
                .filter(r -> user.toString().equals(form(r).get("metadata[userId]")))
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
    }

    private List<Map<String, String>> paymentIntentFormsOf(UUID user) {
        return paymentIntentRequestsOf(user).stream().map(CheckoutTest::form).toList();
    }

    private List<LoggedRequest> customerRequestsOf(UUID user) {
        return stripe.customerRequests().stream()
                .filter(r -> user.toString().equals(form(r).get("metadata[userId]")))
                .toList();
    }

    private List<LoggedRequest> stripeRequestsMentioning(UUID user) {
        List<LoggedRequest> all = new ArrayList<>(customerRequestsOf(user));
        all.addAll(paymentIntentRequestsOf(user));
        return all;
    }

    /** The form fields of a request as Stripe would decode them. */
    private static Map<String, String> form(LoggedRequest request) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.put(name, value);
        }
        return fields;
    }

    private String customerIdOf(UUID user) {
        return (String) query("select stripe_customer_id from customers where user_id = ?", user).getFirst()
                .get("stripe_customer_id");
    }

    private long count(String sql, Object... parameters) {
        return rows.count(sql, parameters);
    }

    private List<Map<String, Object>> query(String sql, Object... parameters) {
        return rows.query(sql, parameters);
    }
}
