package io.plansync.payment.input;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.payment.TestUserTokens;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.fuzz.Answer;
import io.plansync.testing.fuzz.Endpoint;
import io.plansync.testing.fuzz.FuzzCase;
import io.plansync.testing.fuzz.FuzzCases;
import io.plansync.testing.fuzz.HttpProbe;
import io.plansync.testing.fuzz.Json;
import io.plansync.testing.fuzz.RawRequests;
import io.plansync.testing.fuzz.Violations;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No input gets a 5xx from payment-service: every public endpoint, called with hostile bodies, path variables,
 * queries and content types, without credentials and with a user's and an operator's token (and the webhook with
 * a valid Stripe signature over hostile events), answers a documented success or a 4xx application/problem+json
 * with a code, shows no stack trace and echoes no secret; and the service is healthy afterwards. A fixed table
 * covers each kind of trouble everywhere; random documents (jqwik, fixed seed) cover what the table does not.
 */
class InputFuzzTest {
    /** "signed": no bearer token, but a valid Stripe-Signature over the body (only the webhook reads it). */
    private static final String SIGNED = "signed";
    private static final List<String> AUTHS = List.of("admin", "user", SIGNED, "operator", FuzzCases.NO_AUTH,
            FuzzCases.GARBAGE_AUTH);

    private static StripeStandIn stripe;
    private static TestUserTokens tokens;
    private static EmbeddedServer server;
    private static HttpProbe probe;
    private static final UUID USER = UUID.randomUUID();

    @BeforeContainer
    static void start() {
        stripe = new StripeStandIn();
        stripe.serveEvents();
        tokens = new TestUserTokens();
        Map<String, Object> properties = new HashMap<>(PaymentTestProperties.of(TestDatabases.fresh("payments"),
                stripe.url(), "http://127.0.0.1:9", tokens.jwksUrl(), Map.of(
                        // Deliveries would only fail against the absent identity-service and fill the log.
                        "plansync.outbox.relay-enabled", "false",
                        "plansync.reconcile.enabled", "false",
                        "micronaut.server.port", "-1")));
        server = ApplicationContext.run(EmbeddedServer.class, properties, "test");
        probe = new HttpProbe("127.0.0.1", server.getPort());
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.getApplicationContext().close();
        }
        if (tokens != null) {
            tokens.close();
        }
        if (stripe != null) {
            stripe.close();
        }
    }

    /** Every public endpoint of payment-service (the controllers, JWKS, health and metrics). */
    static List<Endpoint> endpoints() {
        String paymentIntent = "\"id\":\"pi_fuzz\",\"object\":\"payment_intent\",\"amount\":2900,"
                + "\"amount_received\":2900,\"currency\":\"usd\",\"status\":\"succeeded\"";
        return List.of(
                Endpoint.of("GET", "/plans", 200),
                Endpoint.of("POST", "/create-payment-intent", 200)
                        .body("planType", "\"pro\"", "userId", Json.literal(USER.toString()))
                        .calledBy("user", "admin"),
                Endpoint.of("GET", "/user-status", 200).calledBy("user"),
                Endpoint.of("POST", "/checkout-sessions", 200)
                        .body("plan", "\"pro\"", "interval", "\"month\"")
                        .calledBy("user", "admin"),
                Endpoint.of("POST", "/billing-portal-sessions", 200).calledBy("user"),
                // The billing pages: the pages answer HTML; every action without this session's CSRF token is 4xx.
                Endpoint.of("GET", "/billing", 200),
                Endpoint.of("GET", "/billing/sign-in", 200),
                Endpoint.of("GET", "/billing/return", 303),
                Endpoint.of("POST", "/billing/sign-in", 200).body("email", "\"a@example.com\"", "password",
                        "\"a long enough password\""),
                Endpoint.of("POST", "/billing/register", 200).body("email", "\"a@example.com\"", "password",
                        "\"a long enough password\""),
                Endpoint.of("POST", "/billing/subscribe", 200).body("plan", "\"pro\"", "interval", "\"month\""),
                Endpoint.of("POST", "/billing/portal", 200),
                Endpoint.of("POST", "/billing/sign-out", 200),
                Endpoint.of("POST", "/billing/operation-tokens", 200).body("category", "\"payment_methods:read\""),
                Endpoint.of("GET", "/billing/payment-methods", 200),
                Endpoint.of("POST", "/billing/payment-methods", 200),
                Endpoint.of("POST", "/billing/payment-methods/{id}/default", 200),
                Endpoint.of("DELETE", "/billing/payment-methods/{id}", 200),
                // The developer API: without a key every request is 401, whatever it carries.
                Endpoint.of("GET", "/v1/me", 200),
                Endpoint.of("GET", "/v1/plans", 200),
                Endpoint.of("GET", "/v1/users/{id}/entitlements", 200),
                Endpoint.of("POST", "/v1/users/{id}/checkout-sessions", 200)
                        .body("plan", "\"pro\"", "interval", "\"month\""),
                Endpoint.of("POST", "/admin/api-keys", 201).body("name", "\"fuzz\"", "scopes", "[\"plans:read\"]",
                        "requestsPerMinute", "60").calledBy("admin"),
                Endpoint.of("GET", "/admin/api-keys", 200).calledBy("admin"),
                Endpoint.of("POST", "/admin/api-keys/{id}/revoke", 200).calledBy("admin"),
                Endpoint.of("POST", "/admin/api-keys/{id}/rotate", 201).body("overlap", "\"PT1H\"")
                        .calledBy("admin"),
                // The event itself, its data object and the object's metadata, each member made hostile in turn.
                Endpoint.of("POST", "/webhook", 200)
                        .body("id", "\"evt_fuzz\"", "object", "\"event\"", "type", "\"payment_intent.succeeded\"",
                                "created", Long.toString(Instant.now().getEpochSecond()),
                                "data", "{\"object\":{" + paymentIntent + ",\"metadata\":{\"userId\":\"" + USER
                                        + "\",\"plan\":\"pro\"}}}")
                        .calledBy(SIGNED),
                Endpoint.of("POST", "/webhook", 200)
                        .body("id", "\"pi_fuzz\"", "object", "\"payment_intent\"", "amount", "2900",
                                "amount_received", "2900", "currency", "\"usd\"", "status", "\"succeeded\"",
                                "metadata", "{\"userId\":\"" + USER + "\",\"plan\":\"pro\"}",
                                "payment_intent", "\"pi_fuzz\"", "amount_refunded", "2900", "refunded", "true")
                        .wrappedIn(object -> event("payment_intent.succeeded", object))
                        .calledBy(SIGNED),
                Endpoint.of("POST", "/webhook", 200)
                        .body("userId", Json.literal(USER.toString()), "plan", "\"pro\"")
                        .wrappedIn(metadata -> event("payment_intent.succeeded",
                                "{" + paymentIntent + ",\"metadata\":" + metadata + "}"))
                        .calledBy(SIGNED),
                Endpoint.of("POST", "/webhook", 200)
                        .body("id", "\"ch_fuzz\"", "object", "\"charge\"", "amount", "2900", "amount_refunded", "2900",
                                "refunded", "true", "currency", "\"usd\"", "payment_intent", "\"pi_fuzz\"")
                        .wrappedIn(object -> event("charge.refunded", object))
                        .calledBy(SIGNED),
                Endpoint.of("GET", "/admin/outbox", 200).query("state", "userId", "limit", "cursor")
                        .calledBy("admin", "operator"),
                Endpoint.of("GET", "/admin/outbox/{id}", 200).calledBy("admin", "operator"),
                Endpoint.of("POST", "/admin/outbox/{id}/replay", 200).query("force").calledBy("admin", "operator"),
                Endpoint.of("POST", "/admin/outbox/replay", 200)
                        .body("state", "\"dead\"", "userId", Json.literal(USER.toString()),
                                "since", "\"2026-01-01T00:00:00Z\"")
                        .calledBy("admin", "operator"),
                Endpoint.of("POST", "/admin/reconcile", 200).query("dryRun").calledBy("admin", "operator"),
                Endpoint.of("GET", "/.well-known/jwks.json", 200),
                Endpoint.of("GET", "/openapi.yml", 200),
                Endpoint.of("GET", "/admin/signing-keys", 200).calledBy("admin"),
                // Scheduled only: an emergency rotation (now=true) would retire the key of the fuzz's own tokens.
                Endpoint.of("POST", "/admin/signing-keys/rotate", 200, 409).calledBy("admin"),
                Endpoint.of("GET", "/health", 200),
                Endpoint.of("GET", "/health/liveness", 200),
                Endpoint.of("GET", "/prometheus", 200));
    }

    /** A Stripe event around a data object, with an id of its own so that it is not taken for a redelivery. */
    private static String event(String type, String object) {
        return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"object\":\"event\",\"type\":\"" + type + "\","
                + "\"created\":" + Instant.now().getEpochSecond() + ",\"data\":{\"object\":" + object + "}}";
    }

    @Example
    void every_case_of_the_table_gets_a_problem_or_a_documented_success() {
        List<FuzzCase> table = FuzzCases.table(endpoints(), "1", AUTHS);
        List<String> violations = Violations.of(table, InputFuzzTest::violation);
        assertThat(violations).as("%d of %d cases", violations.size(), table.size()).isEmpty();
    }

    @Property(tries = 400, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void random_documents_get_a_problem_or_a_documented_success(@ForAll("randomCases") FuzzCase fuzzCase) {
        assertThat(violation(fuzzCase)).as(fuzzCase.toString()).isNull();
    }

    @Provide
    Arbitrary<FuzzCase> randomCases() {
        return FuzzCases.random(endpoints(), "1", AUTHS);
    }

    /** What no HTTP client library would send: control bytes and junk in the request line, headers and framing. */
    @Example
    void malformed_requests_on_the_wire_get_a_4xx_problem() {
        String token = token("admin");
        List<byte[]> requests = new ArrayList<>(RawRequests.malformed("admin/outbox/{id}", "create-payment-intent",
                token));
        String body = "{\"planType\":\"pro\"}";
        for (String key : List.of("", " ", "k".repeat(5000), "\u00e9\u00ff", "a\u0001b")) {
            requests.add(("POST /create-payment-intent HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nAuthorization: Bearer " + token("user") + "\r\n"
                    + "Idempotency-Key: " + key + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
        }
        for (String signature : List.of("", "t=1,v1=00", "t=abc,v1=zz", "v1=" + "a".repeat(5000), "t=" + "9".repeat(40)
                + ",v1=00", "\u00e9")) {
            requests.add(("POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                    + "Stripe-Signature: " + signature + "\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.ISO_8859_1));
        }
        assertThat(Violations.ofRaw(probe, requests, Set.of(200), List.of(token))).isEmpty();
    }

    /**
     * Stripe's body is exempt from the JSON checks: it reaches signature verification byte for byte, so a signed
     * event with what the checks would refuse in a member this service never reads (a duplicate key, a control
     * character) is accepted; one whose id could not even be stored is refused, not a 500.
     */
    @Example
    void the_webhook_body_reaches_signature_verification_untouched() {
        String unreadTrouble = event("payment_intent.succeeded", "{\"id\":\"pi_" + UUID.randomUUID()
                + "\",\"object\":\"payment_intent\",\"amount\":2900,\"amount_received\":2900,\"currency\":\"usd\","
                + "\"description\":\"tab\\there \\u0000 and \\ud800\",\"status\":\"x\",\"status\":\"succeeded\","
                + "\"metadata\":{\"userId\":\"" + UUID.randomUUID() + "\",\"plan\":\"pro\"}}");
        Answer accepted = signedWebhook(unreadTrouble);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        assertThat(accepted.body()).contains("\"received\":true");

        String nulInId = unreadTrouble.replace("\"id\":\"evt_", "\"id\":\"evt_\\u0000");
        Answer refused = signedWebhook(nulInId);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("VALIDATION_FAILED");
    }

    private static Answer signedWebhook(String payload) {
        return probe.send("POST", "/webhook", Map.of("Content-Type", FuzzCases.JSON, "Stripe-Signature",
                StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)),
                payload.getBytes(StandardCharsets.UTF_8));
    }

    /** The service is still healthy after every property and example: alive, and a normal request works. */
    @AfterProperty
    void still_healthy() {
        Answer liveness = probe.send("GET", "/health/liveness", Map.of(), null);
        assertThat(liveness.status()).as(liveness.toString()).isEqualTo(200);
        Answer status = probe.getWithBearer("/user-status", token("user"));
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        assertThat(status.body()).contains(USER.toString());
    }

    private static String violation(FuzzCase fuzzCase) {
        Map<String, String> headers = fuzzCase.headers();
        String secret = null;
        switch (fuzzCase.auth()) {
            case FuzzCases.NO_AUTH -> {
            }
            case FuzzCases.GARBAGE_AUTH -> headers.put("Authorization", "Bearer not.a.token");
            case SIGNED -> headers.put("Stripe-Signature", StripeWebhooks.sign(
                    fuzzCase.body() == null ? "" : new String(fuzzCase.body(), StandardCharsets.UTF_8),
                    PaymentTestProperties.WEBHOOK_SECRET));
            default -> {
                secret = token(fuzzCase.auth());
                headers.put("Authorization", "Bearer " + secret);
            }
        }
        Answer answer = probe.send(fuzzCase.endpoint().method(), fuzzCase.target(), headers, fuzzCase.body());
        return answer.violation(fuzzCase.endpoint().successes(),
                secret == null ? List.of(PaymentTestProperties.WEBHOOK_SECRET)
                        : List.of(PaymentTestProperties.WEBHOOK_SECRET, secret));
    }

    /** A fresh user token from the test's identity stand-in; admin and operator reach the operator endpoints. */
    private static String token(String kind) {
        return switch (kind) {
            case "user" -> tokens.tokenFor(USER);
            case "admin" -> tokens.tokenFor(USER, "user", "admin");
            case "operator" -> tokens.tokenFor(USER, "user", "operator");
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
