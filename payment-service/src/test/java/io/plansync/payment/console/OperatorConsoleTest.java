package io.plansync.payment.console;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.Roles;
import io.plansync.payment.PaymentFixture;
import io.plansync.payment.billing.SessionRules;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console over plain HTTP (the browser flow is e2e's ConsoleBrowserTest): who is let in (an operator's
 * session, for a while after sign-in), who is sent to sign in and who is refused; every action needs the session's
 * CSRF token, administrators' actions an administrator; a bulk replay counts before it replays; and every read and
 * change lands in the operator audit under the operator's user id.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorConsoleTest implements TestPropertyProvider {
    @RegisterExtension
    final PaymentFixture fixture = new PaymentFixture();
    private final HttpClient http = HttpClient.newHttpClient();

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return fixture.properties(Map.of("plansync.outbox.relay-enabled", "false"));
    }

    /** A browser signed in with these roles, {@code signedInAgo} ago: its cookies and CSRF token. */
    private record Browser(UUID user, String session, String csrf) {
        String cookies() {
            return "plansync_billing_session=" + session + "; plansync_billing_csrf=" + csrf;
        }
    }

    private Browser signedIn(Duration signedInAgo, String... roles) {
        UUID user = UUID.randomUUID();
        String session = SessionRules.newSecret();
        String csrf = SessionRules.newSecret();
        fixture.rows().execute("insert into billing_sessions (id_hash, user_id, csrf_hash, email, expires_at, roles, "
                        + "created_at, last_seen_at, csrf_rotated_at) values (?, ?, ?, ?, now() + interval '1 hour', "
                        + "?::text[], now() - ?::interval, now(), now())", SessionRules.hash(session), user,
                SessionRules.hash(csrf), user + "@example.test", "{" + String.join(",", roles) + "}",
                signedInAgo.toSeconds() + " seconds");
        return new Browser(user, session, csrf);
    }

    private long deadRow(UUID user) {
        fixture.rows().execute("insert into outbox (user_id, plan, status, event_id, source_event_at, state, attempts, "
                + "last_error) values (?, 'pro', 'active', ?, now(), 'dead', 8, 'identity answered 404 USER_NOT_FOUND')",
                user, "evt_" + UUID.randomUUID());
        return Long.parseLong(fixture.rows().texts("select max(id)::text from outbox where user_id = ?", user)
                .getFirst());
    }

    private HttpResponse<String> get(String path, Browser browser) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.getPort() + path));
        if (browser != null) {
            request.header("Cookie", browser.cookies());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, Browser browser, String body, boolean withCsrf) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.getPort() + path))
                .header("Content-Type", "application/json").header("Cookie", browser.cookies())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (withCsrf) {
            request.header("X-CSRF-Token", browser.csrf());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void an_anonymous_browser_is_sent_to_sign_in_and_back() throws Exception {
        HttpResponse<String> short_ = get("/console", null);
        assertThat(short_.statusCode()).isEqualTo(303);
        assertThat(short_.headers().firstValue("Location")).hasValue("/billing/console");

        HttpResponse<String> page = get("/billing/console", null);
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/billing/sign-in?next=%2Fbilling%2Fconsole");
        HttpResponse<String> signIn = get("/billing/sign-in?next=%2Fbilling%2Fconsole", null);
        assertThat(signIn.body()).contains("name=\"next\" value=\"/billing/console\"");
        assertThat(get("/billing/sign-in?next=https%3A%2F%2Fevil.example", null).body())
                .as("only the pages a sign-in may return to").contains("name=\"next\" value=\"/billing\"")
                .doesNotContain("evil.example");
    }

    @Test
    void a_user_without_an_operator_role_gets_403_on_the_page_and_on_every_action() throws Exception {
        Browser user = signedIn(Duration.ZERO, Roles.USER);
        long row = deadRow(UUID.randomUUID());
        HttpResponse<String> page = get("/billing/console", user);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("Operators only").doesNotContain("outbox-rows");

        HttpResponse<String> replay = post("/billing/console/outbox/" + row + "/replay", user, "{}", true);
        assertThat(replay.statusCode()).isEqualTo(403);
        assertThat(replay.body()).contains("\"code\":\"FORBIDDEN\"");
        assertThat(fixture.rows().texts("select state from outbox where id = ?", row)).containsExactly("dead");
    }

    @Test
    void an_operator_sees_a_dead_row_with_its_history_counts_then_replays_and_every_step_is_audited()
            throws Exception {
        Browser operator = signedIn(Duration.ofMinutes(5), Roles.USER, Roles.OPERATOR);
        UUID customer = UUID.randomUUID();
        long row = deadRow(customer);
        fixture.rows().execute("insert into outbox_attempts (outbox_id, outcome, http_status, error) values "
                + "(?, 'dead', 404, 'identity answered 404 USER_NOT_FOUND')", row);

        HttpResponse<String> page = get("/billing/console?state=dead&userId=" + customer + "&row=" + row, operator);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.body()).contains("id=\"outbox-row-" + row + "\"").contains(customer.toString())
                .contains("identity answered 404 USER_NOT_FOUND").contains("id=\"row-history\"")
                .doesNotContain("id=\"revoke-").doesNotContain("id=\"rotate-signing-key\"");

        // Without the CSRF header nothing happens.
        HttpResponse<String> forged = post("/billing/console/outbox/replay-dead", operator, "{}", false);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("\"code\":\"CSRF_INVALID\"");

        HttpResponse<String> counted = post("/billing/console/outbox/replay-dead", operator,
                "{\"userId\":\"" + customer + "\",\"dryRun\":true}", true);
        assertThat(counted.body()).isEqualTo("{\"rows\":1,\"dryRun\":true}");
        assertThat(fixture.rows().texts("select state from outbox where id = ?", row)).containsExactly("dead");

        HttpResponse<String> replayed = post("/billing/console/outbox/replay-dead", operator,
                "{\"userId\":\"" + customer + "\"}", true);
        assertThat(replayed.body()).isEqualTo("{\"rows\":1,\"dryRun\":false}");
        assertThat(fixture.rows().texts("select state from outbox where id = ?", row)).containsExactly("pending");

        HttpResponse<String> bad = post("/billing/console/outbox/replay-dead", operator,
                "{\"since\":\"yesterday\",\"dryRun\":true}", true);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"code\":\"VALIDATION_FAILED\"").contains("since");

        assertThat(fixture.rows().texts("select action || ' ' || result from operator_audit where actor = ? "
                + "order by id", operator.user().toString())).containsSubsequence("list 1 rows", "show ok",
                "replay-all dry-run 1 would be replayed", "replay-all 1 replayed");
    }

    @Test
    void a_bad_filter_or_user_id_is_said_in_the_page_not_a_500() throws Exception {
        Browser operator = signedIn(Duration.ZERO, Roles.OPERATOR);
        HttpResponse<String> page = get("/billing/console?state=lost&user=not-a-uuid&row=x", operator);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"outbox-error\"").contains("must be one of")
                .contains("id=\"user-error\"").contains("must be a user id").contains("must be an outbox row id");
    }

    @Test
    void revoking_an_api_key_and_rotating_the_signing_key_need_an_administrator() throws Exception {
        fixture.rows().execute("insert into api_keys (id, name, mode, secret_hash, scopes, requests_per_minute, "
                + "created_by) values ('psk_test_0123456789abcdef', 'backend', 'test', 'x', '{plans:read}', 60, "
                + "'someone')");
        Browser operator = signedIn(Duration.ZERO, Roles.OPERATOR);
        HttpResponse<String> refused = post("/billing/console/api-keys/psk_test_0123456789abcdef/revoke", operator,
                "{}", true);
        assertThat(refused.statusCode()).isEqualTo(403);

        Browser admin = signedIn(Duration.ZERO, Roles.ADMIN);
        assertThat(get("/billing/console", admin).body()).contains("id=\"revoke-psk_test_0123456789abcdef\"")
                .contains("id=\"rotate-signing-key\"");
        HttpResponse<String> revoked = post("/billing/console/api-keys/psk_test_0123456789abcdef/revoke", admin,
                "{}", true);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.body()).contains("\"state\":\"revoked\"");
        assertThat(fixture.rows().texts("select actor from operator_audit where action = 'api-key-revoke'"))
                .containsExactly(admin.user().toString());

        assertThat(post("/billing/console/signing-keys/rotate", operator, "{}", true).statusCode()).isEqualTo(403);
        HttpResponse<String> rotated = post("/billing/console/signing-keys/rotate", admin, "{}", true);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.body()).contains("\"state\":\"pending\"").contains("\"state\":\"current\"");
        assertThat(get("/billing/console", admin).body()).contains(">pending<");
    }

    @Test
    void roles_read_at_sign_in_stop_counting_after_the_max_age() throws Exception {
        Browser stale = signedIn(Duration.ofHours(2), Roles.ADMIN);
        HttpResponse<String> page = get("/billing/console", stale);
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/billing/sign-in?next=%2Fbilling%2Fconsole");
        HttpResponse<String> action = post("/billing/console/outbox/replay-dead", stale, "{\"dryRun\":true}", true);
        assertThat(action.statusCode()).isEqualTo(401);
        assertThat(action.body()).contains("\"code\":\"SESSION_INVALID\"");
    }
}
