package io.plansync.cli.users;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.plansync.cli.CliRun;
import io.plansync.cli.FakePaymentService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.USER;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.problem;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code plansync users unlock ID}: calls identity-service (not payment-service) with the operator's token. */
class UsersUnlockCommandTest {
    @RegisterExtension
    static WireMockExtension identity = FakePaymentService.onFreePort();

    private static final String UNLOCK = "/admin/users/" + USER + "/unlock";

    @RegisterExtension
    final CliRun cli = CliRun.loggedIn(() -> "http://127.0.0.1:9");

    @BeforeEach
    void setUp() {
        identity.stubFor(post(urlPathEqualTo(UNLOCK))
                .willReturn(ok("{\"userId\":\"" + USER + "\",\"failuresForgotten\":5}")));
    }

    @Test
    void unlocks_the_user_at_the_identity_url_given() {
        var result = cli.run("users", "unlock", USER, "--identity", identity.baseUrl());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        identity.verify(1, postRequestedFor(urlPathEqualTo(UNLOCK))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        assertThat(result.out()).isEqualTo("Unlocked user " + USER + " (5 recorded failed logins forgotten).\n");
        assertThat(result.out() + result.err()).doesNotContain(TOKEN);
    }

    @Test
    void takes_the_identity_url_from_the_environment() {
        var result = cli.env("PLANSYNC_IDENTITY_URL", identity.baseUrl()).run("users", "unlock", USER);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        identity.verify(1, postRequestedFor(urlPathEqualTo(UNLOCK)));
    }

    @Test
    void says_so_when_the_user_was_not_locked() {
        identity.stubFor(post(urlPathEqualTo(UNLOCK))
                .willReturn(ok("{\"userId\":\"" + USER + "\",\"failuresForgotten\":0}")));

        var result = cli.run("users", "unlock", USER, "--identity", identity.baseUrl());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("User " + USER + " was not locked; nothing to do.\n");
    }

    @Test
    void an_unknown_user_is_exit_2_with_a_hint() {
        identity.stubFor(post(urlPathEqualTo(UNLOCK))
                .willReturn(problem(404, "USER_NOT_FOUND", "User not found", "No user has this id.")));

        var result = cli.run("users", "unlock", USER, "--identity", identity.baseUrl());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines().toList()).first().isEqualTo("error: No user has this id. (USER_NOT_FOUND)");
        assertThat(result.err()).contains("hint: no user has this id");
    }

    @Test
    void a_token_without_the_admin_role_is_exit_2() {
        identity.stubFor(post(urlPathEqualTo(UNLOCK))
                .willReturn(problem(403, "FORBIDDEN", "Forbidden", "These credentials do not allow this action.")));

        var result = cli.run("users", "unlock", USER, "--identity", identity.baseUrl());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("error: These credentials do not allow this action. (FORBIDDEN)");
    }

    @Test
    void an_unreachable_identity_service_is_exit_3() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        var result = cli.run("users", "unlock", USER, "--identity", "http://127.0.0.1:" + closedPort);

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).startsWith("error: cannot reach identity-service at http://127.0.0.1:" + closedPort);
    }

    @Test
    void without_a_token_nothing_is_sent_and_it_is_exit_2() {
        var result = cli.withoutEnv("PLANSYNC_TOKEN").run("users", "unlock", USER, "--identity", identity.baseUrl());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("not logged in");
        identity.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void without_an_id_it_is_a_usage_error() {
        var result = cli.run("users", "unlock", "--identity", identity.baseUrl());

        assertThat(result.exitCode()).isEqualTo(1);
        identity.verify(0, anyRequestedFor(anyUrl()));
    }
}
