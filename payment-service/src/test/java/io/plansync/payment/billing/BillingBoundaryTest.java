package io.plansync.payment.billing;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.payment.PaymentFixture;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The billing pages' boundary over plain HTTP (the browser flow is e2e's BillingPagesBrowserTest): the cookies'
 * flags, the security headers, and the refusals of a state-changing request without this session's CSRF token or
 * without a live session.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BillingBoundaryTest implements TestPropertyProvider {
    private static final Pattern META_CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");
    private static final List<String> ACTIONS = List.of("/billing/sign-in", "/billing/register", "/billing/sign-out",
            "/billing/subscribe", "/billing/portal");

    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final HttpClient http = HttpClient.newHttpClient();

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return fixture.properties(Map.of("plansync.outbox.relay-enabled", "false"));
    }

    /** A browser's first page: its cookies and the token the page carries. */
    private record Handshake(String session, String csrf, String pageToken, List<String> setCookies) {
        String cookieHeader() {
            return "plansync_billing_session=" + session + "; plansync_billing_csrf=" + csrf;
        }
    }

    private Handshake handshake() throws Exception {
        HttpResponse<String> page = get("/billing/sign-in", null);
        assertThat(page.statusCode()).isEqualTo(200);
        List<String> setCookies = page.headers().allValues("Set-Cookie");
        Matcher token = META_CSRF.matcher(page.body());
        assertThat(token.find()).as("the page carries the CSRF token").isTrue();
        return new Handshake(cookie(setCookies, "plansync_billing_session"), cookie(setCookies,
                "plansync_billing_csrf"), token.group(1), setCookies);
    }

    @Test
    void the_first_page_sets_an_httponly_secure_strict_session_and_csrf_cookie_scoped_to_billing() throws Exception {
        Handshake handshake = handshake();
        assertThat(handshake.setCookies()).hasSize(2).allSatisfy(c -> assertThat(c)
                .contains("HTTPOnly").contains("Secure").contains("SameSite=Strict").contains("Path=/billing"));
        assertThat(handshake.pageToken()).as("the page gets the CSRF cookie's value once").isEqualTo(handshake.csrf());
        assertThat(handshake.session()).hasSize(43).isNotEqualTo(handshake.csrf());
        assertThat(fixture.rows().count("select count(*) from billing_sessions where id_hash = ?",
                SessionRules.hash(handshake.session()))).isEqualTo(1);
        assertThat(fixture.rows().count("select count(*) from billing_sessions where id_hash = ?",
                handshake.session())).as("the database holds only hashes").isZero();
    }

    @Test
    void every_billing_answer_carries_the_browser_defences() throws Exception {
        for (String path : List.of("/billing", "/billing/sign-in", "/billing/register", "/billing/assets/billing.js")) {
            HttpResponse<String> answer = get(path, null);
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp ->
                    assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'")
                            .doesNotContain("unsafe-inline"));
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(answer.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        }
        assertThat(get("/billing", null).body()).doesNotContain("<script>").contains("/billing/assets/billing.js");
    }

    @Test
    void a_state_changing_request_without_the_sessions_csrf_token_is_403_csrf_invalid() throws Exception {
        Handshake handshake = handshake();
        for (String action : ACTIONS) {
            assertThat(post(action, handshake.cookieHeader(), null)).as(action + " without the header")
                    .satisfies(a -> assertProblem(a, 403, "CSRF_INVALID"));
            assertThat(post(action, handshake.cookieHeader(), "forged")).as(action + " with another token")
                    .satisfies(a -> assertProblem(a, 403, "CSRF_INVALID"));
            assertThat(post(action, "plansync_billing_session=" + handshake.session(), handshake.csrf()))
                    .as(action + " with the header but no CSRF cookie")
                    .satisfies(a -> assertProblem(a, 403, "CSRF_INVALID"));
        }
        Handshake other = handshake();
        assertThat(post("/billing/sign-out", handshake.cookieHeader(), other.csrf()))
                .as("another session's token").satisfies(a -> assertProblem(a, 403, "CSRF_INVALID"));
    }

    @Test
    void signing_out_ends_the_session_on_the_server_so_its_cookies_replayed_are_refused() throws Exception {
        Handshake handshake = handshake();
        HttpResponse<String> out = post("/billing/sign-out", handshake.cookieHeader(), handshake.csrf());
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.body()).contains("\"redirect\":\"/billing/sign-in\"");
        assertThat(out.headers().allValues("Set-Cookie")).allSatisfy(c -> assertThat(c).contains("Max-Age=0"));

        assertThat(post("/billing/sign-out", handshake.cookieHeader(), handshake.csrf()))
                .satisfies(a -> assertProblem(a, 401, "SESSION_INVALID"));
        assertThat(post("/billing/subscribe", handshake.cookieHeader(), handshake.csrf()))
                .satisfies(a -> assertProblem(a, 401, "SESSION_INVALID"));
    }

    @Test
    void an_anonymous_session_cannot_buy_or_open_the_portal() throws Exception {
        Handshake handshake = handshake();
        assertThat(post("/billing/subscribe", handshake.cookieHeader(), handshake.csrf()))
                .satisfies(a -> assertProblem(a, 401, "SESSION_INVALID"));
        assertThat(post("/billing/portal", handshake.cookieHeader(), handshake.csrf()))
                .satisfies(a -> assertProblem(a, 401, "SESSION_INVALID"));
    }

    @Test
    void the_return_page_of_a_session_not_signed_in_sends_to_sign_in() throws Exception {
        Handshake handshake = handshake();
        HttpResponse<String> answer = get("/billing/return?session_id=cs_test_abc", handshake.cookieHeader());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
        assertThat(answer.headers().firstValue("Location")).hasValue("/billing/sign-in");
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String code) {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("application/problem+json"));
        assertThat(answer.body()).contains("\"code\":\"" + code + "\"");
    }

    private HttpResponse<String> get(String path, String cookies) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path)).GET();
        if (cookies != null) {
            request.header("Cookie", cookies);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String cookies, String csrfHeader) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (cookies != null) {
            request.header("Cookie", cookies);
        }
        if (csrfHeader != null) {
            request.header("X-CSRF-Token", csrfHeader);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(List<String> setCookies, String name) {
        return setCookies.stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).orElseThrow();
    }
}
