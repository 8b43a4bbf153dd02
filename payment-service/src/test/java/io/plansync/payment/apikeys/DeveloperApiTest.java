package io.plansync.payment.apikeys;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentFixture;
import io.plansync.payment.PaymentTestProperties;
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
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The developer API with real keys: created by an administrator (shown once, stored as a hash), scoped, limited per
 * key, revoked at once, rotated with an overlap; identity headers a client sends never reach a handler. identity's
 * user lookup is a stand-in here, answering for one known user.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeveloperApiTest implements TestPropertyProvider {
    private static final Pattern KEY = Pattern.compile("\"key\":\"(psk_test_[^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f]{16})\"");
    private static final UUID KNOWN_USER = UUID.randomUUID();

    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final StripeEmulator stripe = new StripeEmulator(StripeEmulator.Options.defaults());
    private final WireMockServer identity = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private final String admin = "Bearer " + fixture.users().tokenFor(UUID.randomUUID(), "admin");

    @Inject
    EmbeddedServer server;

    @Inject
    MeterRegistry meters;

    @Override
    public Map<String, String> getProperties() {
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_pro_monthly", 2900, "usd"));
        identity.start();
        identity.stubFor(post(urlPathEqualTo("/admin/users/lookup")).atPriority(9).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"users\":[],\"missing\":[]}")));
        identity.stubFor(post(urlPathEqualTo("/admin/users/lookup")).atPriority(1)
                .withRequestBody(containing(KNOWN_USER.toString())).willReturn(aResponse()
                        .withHeader("Content-Type", "application/json").withBody("{\"users\":[{\"id\":\"" + KNOWN_USER
                                + "\",\"email\":\"a@example.com\",\"plan\":\"free\",\"status\":\"active\","
                                + "\"validUntil\":null,\"entitlements\":[],\"updatedAt\":\"2026-12-01T00:00:00Z\"}],"
                                + "\"missing\":[]}")));
        Map<String, String> extra = new HashMap<>(Map.of("plansync.outbox.relay-enabled", "false",
                "plansync.test.headers-probe", "true"));
        return PaymentTestProperties.of(fixture.database(), stripe.url(), identity.baseUrl(),
                fixture.users().jwksUrl(), extra);
    }

    @AfterAll
    void stopStandIns() {
        stripe.close();
        identity.stop();
    }

    @Test
    void a_key_is_shown_once_stored_as_a_hash_and_listed_with_its_last_use() throws Exception {
        HttpResponse<String> created = send("POST", "/admin/api-keys", admin,
                "{\"name\":\"backend\",\"scopes\":[\"plans:read\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = group(KEY, created.body());
        String id = group(ID, created.body());
        assertThat(key).startsWith("psk_test_" + id + "_");
        String secret = key.substring("psk_test_".length() + 16 + 1);
        assertThat(fixture.rows().count("select count(*) from api_keys where id = ? and secret_hash = "
                + "sha256(convert_to(?, 'UTF8'))", id, secret)).as("only the hash is stored").isEqualTo(1);

        String listed = send("GET", "/admin/api-keys", admin, null).body();
        assertThat(listed).contains(id).doesNotContain(secret).doesNotContain("secretHash")
                .containsPattern("\"id\":\"" + id + "\"[^}]*\"lastUsedAt\":null");
        assertThat(send("GET", "/v1/plans", "Bearer " + key, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/admin/api-keys", admin, null).body())
                .containsPattern("\"id\":\"" + id + "\"[^}]*\"lastUsedAt\":\"20");
        assertThat(fixture.rows().count("select count(*) from operator_audit where action = 'api-key-create' "
                + "and target = ?", id)).isEqualTo(1);
        assertThat(send("POST", "/admin/api-keys", "Bearer " + fixture.users().tokenFor(UUID.randomUUID()),
                "{\"name\":\"x\",\"scopes\":[\"plans:read\"]}").statusCode()).as("a user is not an admin")
                .isEqualTo(403);
    }

    @Test
    void no_key_an_unknown_one_a_wrong_secret_or_the_other_modes_key_is_401() throws Exception {
        String key = create("checker", "plans:read");
        String id = key.substring(9, 25);
        String wrongSecret = key.substring(0, key.length() - 43) + "B".repeat(43);
        for (String authorization : new String[] {null, "Bearer", "Bearer " + wrongSecret,
                "Bearer psk_test_" + "f".repeat(16) + "_" + "A".repeat(43), "Bearer " + key.replace("psk_test_",
                "psk_live_"), "Bearer psk_test_" + id, "Basic " + key, admin}) {
            HttpResponse<String> answer = send("GET", "/v1/plans", authorization, null);
            assertProblem(answer, 401, "API_KEY_INVALID");
            assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(answer.body()).doesNotContain(key.substring(25));
        }
        assertThat(send("GET", "/health", null, null).statusCode()).as("health needs no key").isEqualTo(200);
    }

    @Test
    void each_endpoint_needs_its_scope() throws Exception {
        String plansOnly = "Bearer " + create("plans-only", "plans:read");
        assertThat(send("GET", "/v1/plans", plansOnly, null).body()).contains("\"id\":\"pro\"");
        assertProblem(send("GET", "/v1/users/" + KNOWN_USER + "/entitlements", plansOnly, null), 403,
                "INSUFFICIENT_SCOPE");
        assertProblem(send("POST", "/v1/users/" + KNOWN_USER + "/checkout-sessions", plansOnly,
                "{\"plan\":\"pro\",\"interval\":\"month\"}"), 403, "INSUFFICIENT_SCOPE");
        assertThat(send("GET", "/v1/me", plansOnly, null).body()).contains("\"name\":\"plans-only\"")
                .contains("\"scopes\":[\"plans:read\"]");
    }

    @Test
    void entitlements_are_the_plan_held_now_and_a_checkout_is_only_for_a_known_user() throws Exception {
        String key = "Bearer " + create("app", "entitlements:read", "checkout:create");
        UUID paid = UUID.randomUUID();
        UUID lapsed = UUID.randomUUID();
        fixture.rows().execute("insert into user_plans (user_id, plan, status, valid_until, source_event_id, "
                + "source_event_at) values (?, 'pro', 'active', ?, 'evt_test', now()), "
                + "(?, 'pro', 'past_due', ?, 'evt_test', now())", paid,
                java.sql.Timestamp.from(Instant.now().plusSeconds(3600)), lapsed,
                java.sql.Timestamp.from(Instant.now().minusSeconds(60)));
        assertThat(send("GET", "/v1/users/" + paid + "/entitlements", key, null).body())
                .contains("\"plan\":\"pro\"").contains("api.access").contains("\"status\":\"active\"");
        assertThat(send("GET", "/v1/users/" + lapsed + "/entitlements", key, null).body())
                .as("past its validUntil: free").contains("\"plan\":\"free\"").contains("\"entitlements\":[]")
                .contains("\"status\":\"active\"");
        assertThat(send("GET", "/v1/users/" + UUID.randomUUID() + "/entitlements", key, null).body())
                .contains("\"plan\":\"free\"");
        assertProblem(send("GET", "/v1/users/not-a-uuid/entitlements", key, null), 400, "VALIDATION_FAILED");

        HttpResponse<String> checkout = send("POST", "/v1/users/" + KNOWN_USER + "/checkout-sessions", key,
                "{\"plan\":\"pro\",\"interval\":\"month\"}");
        assertThat(checkout.statusCode()).as(checkout.body()).isEqualTo(200);
        assertThat(checkout.body()).contains(stripe.url() + "/__emulator/checkout/cs_test_");
        assertThat(stripe.requests("POST", "/v1/checkout/sessions").getLast().params())
                .containsEntry("client_reference_id", KNOWN_USER.toString())
                .containsEntry("line_items[0][price]", "price_pro_monthly");
        assertProblem(send("POST", "/v1/users/" + UUID.randomUUID() + "/checkout-sessions", key,
                "{\"plan\":\"pro\",\"interval\":\"month\"}"), 404, "USER_NOT_FOUND");
    }

    @Test
    void identity_headers_from_the_client_never_reach_a_handler_and_the_caller_is_the_key() throws Exception {
        String key = create("probe", "plans:read");
        String id = key.substring(9, 25);
        HttpResponse<String> seen = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/v1/test-probe"))
                .header("Authorization", "Bearer " + key).header("X-User-Id", UUID.randomUUID().toString())
                .header("X-Subscription-Id", "sub_other").header("X-Wallet", "0xabc")
                .header("X-Api-Key-Id", "0000000000000000").header("x-plansync-user", "someone")
                .header("X-Roles", "admin").header("X-Other", "kept").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
        assertThat(seen.body()).contains("\"keyId\":\"" + id + "\"").contains("x-other")
                .doesNotContain("x-user-id").doesNotContain("x-subscription-id").doesNotContain("x-wallet")
                .doesNotContain("x-api-key-id").doesNotContain("x-plansync-user").doesNotContain("x-roles")
                .as("nor the key itself").doesNotContain("authorization");
    }

    @Test
    void each_key_has_its_own_limit_with_the_count_on_every_answer_then_429() throws Exception {
        String slow = "Bearer " + createLimited("slow", 3);
        String other = "Bearer " + createLimited("other", 3);
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> answer = send("GET", "/v1/plans", slow, null);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
            assertThat(answer.headers().firstValue("X-RateLimit-Remaining")).hasValue(Integer.toString(3 - i));
            assertThat(answer.headers().firstValue("X-RateLimit-Reset")).isPresent();
        }
        HttpResponse<String> refused = send("GET", "/v1/plans", slow, null);
        assertProblem(refused, 429, "RATE_LIMITED");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).containsPattern("\"resetAt\":\"20\\d\\d-");
        assertThat(send("GET", "/v1/plans", other, null).statusCode()).as("another key's own limit")
                .isEqualTo(200);
        String slowId = slow.substring(16, 32);
        assertThat(meters.counter("plansync.api.calls", "key", slowId, "status", "4xx").count()).isEqualTo(1);
        assertThat(meters.counter("plansync.api.calls", "key", slowId, "status", "2xx").count()).isEqualTo(3);
    }

    @Test
    void a_revoked_key_is_refused_at_once_and_a_rotated_one_after_its_overlap() throws Exception {
        String revoked = create("to-revoke", "plans:read");
        assertThat(send("GET", "/v1/plans", "Bearer " + revoked, null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/admin/api-keys/" + revoked.substring(9, 25) + "/revoke", admin, null)
                .statusCode()).isEqualTo(200);
        assertProblem(send("GET", "/v1/plans", "Bearer " + revoked, null), 401, "API_KEY_INVALID");

        String old = create("to-rotate", "plans:read", "entitlements:read");
        HttpResponse<String> rotated = send("POST", "/admin/api-keys/" + old.substring(9, 25) + "/rotate", admin,
                "{\"overlap\":\"PT2S\"}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        String next = group(KEY, rotated.body());
        assertThat(rotated.body()).contains("\"rotatedFrom\":\"" + old.substring(9, 25) + "\"")
                .contains("\"scopes\":[\"plans:read\",\"entitlements:read\"]");
        assertThat(send("GET", "/v1/plans", "Bearer " + old, null).statusCode()).as("overlap").isEqualTo(200);
        assertThat(send("GET", "/v1/plans", "Bearer " + next, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/admin/api-keys", admin, null).body()).contains("\"state\":\"expiring\"");
        Thread.sleep(2100);
        assertProblem(send("GET", "/v1/plans", "Bearer " + old, null), 401, "API_KEY_INVALID");
        assertThat(send("GET", "/v1/plans", "Bearer " + next, null).statusCode()).isEqualTo(200);
        assertProblem(send("POST", "/admin/api-keys/" + old.substring(9, 25) + "/rotate", admin, null), 409,
                "CONFLICT");
    }

    @Test
    void bad_key_requests_are_400_with_the_field() throws Exception {
        assertProblem(send("POST", "/admin/api-keys", admin, "{\"name\":\"\",\"scopes\":[\"everything\"]}"), 400,
                "VALIDATION_FAILED");
        assertThat(send("POST", "/admin/api-keys", admin, "{\"name\":\"x\",\"scopes\":[]}").body())
                .contains("\"field\":\"scopes\"");
        assertThat(send("POST", "/admin/api-keys", admin,
                "{\"name\":\"x\",\"scopes\":[\"plans:read\"],\"requestsPerMinute\":0}").body())
                .contains("\"field\":\"requestsPerMinute\"");
        assertProblem(send("POST", "/admin/api-keys/0123456789abcdef/revoke", admin, null), 404, "NOT_FOUND");
        String key = create("overlap", "plans:read");
        assertThat(send("POST", "/admin/api-keys/" + key.substring(9, 25) + "/rotate", admin,
                "{\"overlap\":\"a day\"}").body()).contains("\"field\":\"overlap\"");
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private String create(String name, String... scopes) throws Exception {
        return createWith("{\"name\":\"" + name + "\",\"scopes\":[\"" + String.join("\",\"", scopes) + "\"]}");
    }

    private String createLimited(String name, int perMinute) throws Exception {
        return createWith("{\"name\":\"" + name + "\",\"scopes\":[\"plans:read\"],\"requestsPerMinute\":"
                + perMinute + "}");
    }

    private String createWith(String body) throws Exception {
        HttpResponse<String> created = send("POST", "/admin/api-keys", admin, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return group(KEY, created.body());
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String group(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String code) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.body()).contains("\"code\":\"" + code + "\"");
    }
}
