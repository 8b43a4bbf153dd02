package io.plansync.cli;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.problem;
import static org.assertj.core.api.Assertions.assertThat;

/** How failures look to an operator and to scripts: one line on stderr and the exit code, never a stack trace. */
class ErrorHandlingTest {
    @RegisterExtension
    static WireMockExtension server = FakePaymentService.onFreePort();

    @RegisterExtension
    final CliRun cli = CliRun.loggedIn(server::baseUrl);

    @Test
    void unauthorized_is_exit_2_with_the_problem_detail_and_a_hint_to_log_in() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(
                problem(401, "AUTH_INVALID", "Unauthorized", "Valid credentials are required.")));

        var result = cli.run("outbox", "list");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines().toList()).containsExactly(
                "error: Valid credentials are required. (AUTH_INVALID)",
                "hint: the token was refused or has expired (access tokens last 15 minutes): run plansync login again");
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).doesNotContain(TOKEN);
    }

    @Test
    void forbidden_is_exit_2() {
        server.stubFor(post(urlPathEqualTo("/admin/reconciliations")).willReturn(
                problem(403, "FORBIDDEN", "Forbidden", "Not allowed.")));

        var result = cli.run("reconcile");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("error: Not allowed. (FORBIDDEN)\n")
                .contains("hint: this needs an account with the admin or operator role");
    }

    @Test
    void a_validation_problem_shows_its_field_errors() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"type\":\"urn:plansync:problem:validation-failed\",\"title\":\"Invalid request\","
                        + "\"status\":400,\"detail\":\"The request is invalid; see errors.\","
                        + "\"code\":\"VALIDATION_FAILED\","
                        + "\"errors\":[{\"field\":\"limit\",\"message\":\"must be 1 to 200\"}]}")));

        var result = cli.run("outbox", "list", "--limit", "500");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines().toList()).containsExactly(
                "error: The request is invalid; see errors. (VALIDATION_FAILED)",
                "  limit: must be 1 to 200");
    }

    @Test
    void a_server_error_is_exit_3_with_the_problem_detail() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox/1")).willReturn(
                problem(500, "INTERNAL_ERROR", "Internal error", "The request failed; it has been logged.")));

        var result = cli.run("outbox", "show", "1");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).isEqualTo("error: The request failed; it has been logged. (INTERNAL_ERROR)\n");
    }

    @Test
    void an_error_that_is_not_a_problem_still_gets_one_line() {
        server.stubFor(post(urlPathEqualTo("/admin/reconciliations")).willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Bad gateway</body></html>")));
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(aResponse().withStatus(418)));

        var gateway = cli.run("reconcile");
        var teapot = cli.run("outbox", "list");

        assertThat(gateway.exitCode()).isEqualTo(3);
        assertThat(gateway.err()).isEqualTo("error: payment-service answered HTTP 502\n");
        assertThat(teapot.exitCode()).isEqualTo(2);
        assertThat(teapot.err()).isEqualTo("error: payment-service answered HTTP 418\n");
    }

    @Test
    void an_answer_that_is_not_json_is_exit_3() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok("<html>a proxy page</html>")));

        var result = cli.run("outbox", "list");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).startsWith("error: payment-service sent an answer that is not JSON");
    }

    @Test
    void connection_refused_is_exit_3() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        var result = cli.run("--payment", "http://127.0.0.1:" + closedPort, "outbox", "list");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).isEqualTo("error: cannot reach payment-service at http://127.0.0.1:" + closedPort
                + ": connection refused\n");
    }

    @Test
    void an_unknown_host_is_exit_3() {
        var result = cli.run("--payment", "http://plansync-payment.invalid", "reconcile");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).startsWith("error: cannot reach payment-service at http://plansync-payment.invalid: ");
    }

    @Test
    void a_dropped_connection_and_a_timeout_are_exit_3() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(
                aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        server.stubFor(get(urlPathEqualTo("/admin/outbox/9")).willReturn(ok("{}").withFixedDelay(3000)));

        var reset = cli.run("outbox", "list");
        var slow = cli.env("PLANSYNC_HTTP_TIMEOUT", "1").run("outbox", "show", "9");

        assertThat(reset.exitCode()).isEqualTo(3);
        assertThat(reset.err()).startsWith("error: cannot reach payment-service at " + server.baseUrl() + ": ");
        assertThat(slow.exitCode()).isEqualTo(3);
        assertThat(slow.err()).isEqualTo("error: payment-service at " + server.baseUrl()
                + " did not answer within 1 s\n");
        assertThat(cli.env("PLANSYNC_HTTP_TIMEOUT", "soon").run("outbox", "show", "9").exitCode()).isEqualTo(1);
    }

    @Test
    void usage_errors_are_exit_1_and_send_nothing() {
        var unknownCommand = cli.run("outbx");
        var noCommand = cli.run();
        var noOutboxCommand = cli.run("outbox");
        var missingValue = cli.run("outbox", "list", "--state");

        assertThat(unknownCommand.exitCode()).isEqualTo(1);
        assertThat(unknownCommand.err()).contains("error: Unmatched argument at index 0: 'outbx'")
                .contains("Did you mean: plansync outbox?");
        assertThat(noCommand.exitCode()).isEqualTo(1);
        assertThat(noCommand.err()).contains("Usage: plansync");
        assertThat(noOutboxCommand.exitCode()).isEqualTo(1);
        assertThat(noOutboxCommand.err()).contains("Usage: plansync outbox");
        assertThat(missingValue.exitCode()).isEqualTo(1);
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void help_works_on_every_command() {
        for (String command : List.of("", "login", "outbox", "outbox list", "outbox show", "outbox replay",
                "reconcile")) {
            String[] args = (command + " --help").trim().split(" ");
            var result = cli.run(args);
            assertThat(result.exitCode()).as(command).isZero();
            assertThat(result.out()).as(command).startsWith(("Usage: plansync " + command).trim() + " [");
        }
        assertThat(cli.run("--help").out()).contains("Exit codes:").contains("PLANSYNC_TOKEN");
        assertThat(cli.run("outbox", "replay", "-h").out()).contains("--all-dead").contains("--force");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void nothing_ever_prints_a_stack_trace() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok("{\"items\":\"not a list\"}")));

        var result = cli.run("outbox", "list");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).isEqualTo(
                "error: payment-service sent an unexpected outbox answer (no items)\n");
        assertThat(result.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }
}
