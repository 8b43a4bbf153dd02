package io.plansync.identity.input;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.ServiceTokens;
import io.plansync.identity.IdentitySigningKey;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No input gets a 5xx from identity-service: every public endpoint, called with hostile bodies, path variables,
 * queries and content types, without credentials and with a user's, an admin's and payment-service's, answers a
 * documented success or a 4xx application/problem+json with a code, shows no stack trace and echoes no secret; and
 * the service is healthy afterwards. A fixed table covers each kind of trouble everywhere; random documents
 * (jqwik, fixed seed) cover what the table does not think of.
 */
class InputFuzzTest {
    private static final String PASSWORD = "a long enough password";
    private static final List<String> AUTHS = List.of("admin", "user", "service", FuzzCases.NO_AUTH,
            FuzzCases.GARBAGE_AUTH);

    private static PaymentServiceTokens payment;
    private static IdentitySigningKey signingKey;
    private static EmbeddedServer server;
    private static HttpProbe probe;
    private static UUID userId;

    @BeforeContainer
    static void start() {
        payment = new PaymentServiceTokens();
        signingKey = new IdentitySigningKey();
        Map<String, String> extra = new HashMap<>(payment.properties());
        extra.putAll(signingKey.properties());
        server = ApplicationContext.run(EmbeddedServer.class,
                new HashMap<String, Object>(IdentityTestProperties.freshDatabase(extra)), "test");
        probe = new HttpProbe("127.0.0.1", server.getPort());
        Answer registered = probe.send("POST", "/auth/register", Map.of("Content-Type", FuzzCases.JSON),
                ("{\"email\":\"fuzzed@example.com\",\"password\":\"" + PASSWORD + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        userId = UUID.fromString(registered.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.getApplicationContext().close();
        }
        if (payment != null) {
            payment.close();
        }
    }

    /** Every public endpoint of identity-service (the controllers, JWKS, health and metrics). */
    static List<Endpoint> endpoints() {
        String change = Json.object(new LinkedHashMap<>(Map.of("plan", "\"pro\"", "status", "\"active\"",
                "updatedBy", "\"fuzz\"", "timestamp", "\"2026-01-01T00:00:00Z\"")));
        return List.of(
                Endpoint.of("POST", "/auth/register", 201)
                        .body("email", "\"new-user@example.com\"", "password", Json.literal(PASSWORD)),
                Endpoint.of("POST", "/auth/login", 200)
                        .body("email", "\"fuzzed@example.com\"", "password", Json.literal(PASSWORD)),
                Endpoint.of("POST", "/auth/refresh", 200).body("refresh_token", "\"" + "r".repeat(43) + "\""),
                Endpoint.of("GET", "/users/me", 200).calledBy("user"),
                Endpoint.of("GET", "/admin/users/{id}", 200).calledBy("admin", "service"),
                Endpoint.of("POST", "/admin/users/lookup", 200)
                        .body("ids", "[\"00000000-0000-0000-0000-000000000001\"]")
                        .calledBy("admin", "service"),
                Endpoint.of("PUT", "/admin/users/{id}/plan", 200)
                        .body("plan", "\"pro\"", "status", "\"active\"", "updatedBy", "\"fuzz\"",
                                "timestamp", "\"2026-01-01T00:00:00Z\"", "eventId", "\"evt_fuzz\"",
                                "validUntil", "\"2030-01-01T00:00:00Z\"")
                        .calledBy("admin", "service"),
                Endpoint.of("POST", PlanChangeBatch.PATH, 200).body("changes", "[" + change + "]")
                        .calledBy("admin", "service"),
                Endpoint.of("POST", PlanChangeBatch.PATH, 200)
                        .body("userId", Json.literal(userId.toString()), "plan", "\"pro\"", "status", "\"active\"",
                                "updatedBy", "\"fuzz\"", "timestamp", "\"2026-01-01T00:00:00Z\"",
                                "eventId", "\"evt_batch\"")
                        .wrappedIn(object -> "{\"changes\":[" + object + "]}")
                        .calledBy("admin", "service"),
                Endpoint.of("GET", "/.well-known/jwks.json", 200),
                Endpoint.of("GET", "/openapi.yml", 200),
                Endpoint.of("GET", "/admin/signing-keys", 200).calledBy("admin"),
                // Scheduled only: an emergency rotation (now=true) would retire the key of the fuzz's own tokens.
                Endpoint.of("POST", "/admin/signing-keys/rotate", 200, 409).calledBy("admin"),
                Endpoint.of("GET", "/health", 200),
                Endpoint.of("GET", "/health/liveness", 200),
                Endpoint.of("GET", "/prometheus", 200));
    }

    @Example
    void every_case_of_the_table_gets_a_problem_or_a_documented_success() {
        List<FuzzCase> table = FuzzCases.table(endpoints(), userId.toString(), AUTHS);
        List<String> violations = Violations.of(table, InputFuzzTest::violation);
        assertThat(violations).as("%d of %d cases", violations.size(), table.size()).isEmpty();
    }

    @Property(tries = 400, seed = "20261202", shrinking = ShrinkingMode.BOUNDED)
    void random_documents_get_a_problem_or_a_documented_success(@ForAll("randomCases") FuzzCase fuzzCase) {
        assertThat(violation(fuzzCase)).as(fuzzCase.toString()).isNull();
    }

    @Provide
    Arbitrary<FuzzCase> randomCases() {
        return FuzzCases.random(endpoints(), userId.toString(), AUTHS);
    }

    /** What no HTTP client library would send: control bytes and junk in the request line, headers and framing. */
    @Example
    void malformed_requests_on_the_wire_get_a_4xx_problem() {
        String token = token("admin");
        assertThat(Violations.ofRaw(probe, RawRequests.malformed("admin/users/{id}", "auth/login", token),
                Set.of(200), List.of(token))).isEmpty();
    }

    /** The service is still healthy after every property and example: alive, and a normal request works. */
    @AfterProperty
    void still_healthy() {
        Answer liveness = probe.send("GET", "/health/liveness", Map.of(), null);
        assertThat(liveness.status()).as(liveness.toString()).isEqualTo(200);
        Answer me = probe.getWithBearer("/users/me", token("user"));
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.body()).contains(userId.toString());
    }

    private static String violation(FuzzCase fuzzCase) {
        Map<String, String> headers = fuzzCase.headers();
        String token = switch (fuzzCase.auth()) {
            case FuzzCases.NO_AUTH -> null;
            case FuzzCases.GARBAGE_AUTH -> "not.a.token";
            default -> token(fuzzCase.auth());
        };
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        if (fuzzCase.auth().equals("service")) {
            headers.put(ServiceTokens.HEADER_SERVICE, ServiceTokens.CLIENT_PAYMENT_SERVICE);
        }
        Answer answer = probe.send(fuzzCase.endpoint().method(), fuzzCase.target(), headers, fuzzCase.body());
        return answer.violation(fuzzCase.endpoint().successes(), token == null ? List.of(PASSWORD)
                : List.of(PASSWORD, token));
    }

    /** A fresh token: user and admin tokens signed with identity's own key, a single-use service token. */
    private static String token(String kind) {
        return switch (kind) {
            case "user" -> signingKey.sign(signingKey.claims(userId, "user").build());
            case "admin" -> signingKey.sign(signingKey.claims(userId, "user", "admin").build());
            case "service" -> payment.token("users:plan:write users:read");
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
