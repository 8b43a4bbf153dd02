package io.plansync.cli.apikeys;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.plansync.cli.CliRun;
import io.plansync.cli.FakePaymentService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.problem;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code plansync apikeys}: what each command sends to payment-service, prints, and exits with. */
class ApiKeysCommandTest {
    private static final String KEY = "psk_test_0123456789abcdef_" + "S".repeat(43);
    private static final String VIEW = "{\"id\":\"0123456789abcdef\",\"name\":\"backend\",\"mode\":\"test\","
            + "\"scopes\":[\"plans:read\",\"entitlements:read\"],\"requestsPerMinute\":600,\"state\":\"active\","
            + "\"createdAt\":\"2026-12-02T10:00:00Z\",\"createdBy\":\"admin\",\"lastUsedAt\":null,"
            + "\"expiresAt\":null,\"revokedAt\":null,\"revokedBy\":null,\"rotatedFrom\":null}";

    @RegisterExtension
    static WireMockExtension server = FakePaymentService.onFreePort();

    @RegisterExtension
    final CliRun cli = CliRun.loggedIn(server::baseUrl);

    @BeforeEach
    void setUp() {
        server.stubFor(post(urlPathEqualTo("/admin/api-keys")).willReturn(ok("{\"key\":\"" + KEY + "\",\"apiKey\":"
                + VIEW + "}").withStatus(201)));
        server.stubFor(get(urlPathEqualTo("/admin/api-keys")).willReturn(ok("[" + VIEW + "]")));
        server.stubFor(post(urlPathEqualTo("/admin/api-keys/0123456789abcdef/revoke"))
                .willReturn(ok(VIEW.replace("\"active\"", "\"revoked\""))));
        server.stubFor(post(urlPathEqualTo("/admin/api-keys/0123456789abcdef/rotate")).willReturn(ok(
                "{\"key\":\"" + KEY.replace("0123456789abcdef", "fedcba9876543210") + "\",\"apiKey\":"
                        + VIEW.replace("0123456789abcdef", "fedcba9876543210") + "}").withStatus(201)));
        server.stubFor(post(urlPathEqualTo("/admin/api-keys/ffffffffffffffff/revoke"))
                .willReturn(problem(404, "NOT_FOUND", "Not found", "No such API key.")));
    }

    @Test
    void create_sends_the_name_and_scopes_and_prints_the_key_once_on_its_own_line() {
        var result = cli.run("apikeys", "create", "--name", "backend", "--scope", "plans:read", "--scope",
                "entitlements:read", "--requests-per-minute", "120");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlPathEqualTo("/admin/api-keys"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("{\"name\":\"backend\",\"scopes\":[\"plans:read\",\"entitlements:read\"],"
                        + "\"requestsPerMinute\":120}")));
        assertThat(result.out().lines().toList()).first().isEqualTo(KEY);
        assertThat(result.out()).contains("Created key 0123456789abcdef (backend; scopes plans:read "
                + "entitlements:read; 600 requests a minute).").contains("not shown again");
    }

    @Test
    void list_shows_a_table_without_secrets() {
        var result = cli.run("apikeys", "list");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("ID").contains("LAST USED").contains("0123456789abcdef")
                .contains("plans:read entitlements:read").contains("active").doesNotContain(KEY);
    }

    @Test
    void revoke_says_which_key_and_an_unknown_id_is_exit_2_with_a_hint() {
        var revoked = cli.run("apikeys", "revoke", "0123456789abcdef");
        assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
        assertThat(revoked.out()).isEqualTo("Revoked key 0123456789abcdef (backend).\n");

        var unknown = cli.run("apikeys", "revoke", "ffffffffffffffff");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("error: No such API key. (NOT_FOUND)").contains("hint: no key has this id");
    }

    @Test
    void rotate_sends_the_overlap_as_iso_and_prints_the_new_key() {
        var result = cli.run("apikeys", "rotate", "0123456789abcdef", "--overlap", "24h");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlPathEqualTo("/admin/api-keys/0123456789abcdef/rotate"))
                .withRequestBody(equalToJson("{\"overlap\":\"PT24H\"}")));
        assertThat(result.out().lines().toList()).first().asString().startsWith("psk_test_fedcba9876543210_");
        assertThat(result.out()).contains("The old key 0123456789abcdef keeps working for 24h");
        assertThat(ApiKeysRotateCommand.iso("7d")).isEqualTo("P7D");
        assertThat(ApiKeysRotateCommand.iso("0s")).isEqualTo("PT0S");
    }

    @Test
    void a_malformed_overlap_is_exit_1_before_any_request() {
        var result = cli.run("apikeys", "rotate", "0123456789abcdef", "--overlap", "a day");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("--overlap must be a number with s, m, h or d");
        server.verify(0, anyRequestedFor(anyUrl()));
    }
}
