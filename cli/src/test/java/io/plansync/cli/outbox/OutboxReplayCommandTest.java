package io.plansync.cli.outbox;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.plansync.cli.CliRun;
import io.plansync.cli.FakePaymentService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.USER;
import static io.plansync.cli.FakePaymentService.item;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.page;
import static io.plansync.cli.FakePaymentService.problem;
import static org.assertj.core.api.Assertions.assertThat;

class OutboxReplayCommandTest {
    @RegisterExtension
    static WireMockExtension server = FakePaymentService.onFreePort();

    @RegisterExtension
    final CliRun cli = CliRun.loggedIn(server::baseUrl);

    @BeforeEach
    void setUp() {
        server.stubFor(post(urlEqualTo("/admin/outbox/42/replay"))
                .willReturn(ok("{\"id\":42,\"state\":\"pending\"}")));
        server.stubFor(post(urlEqualTo("/admin/outbox/42/replay?force=true"))
                .willReturn(ok("{\"id\":42,\"state\":\"pending\"}")));
        server.stubFor(post(urlEqualTo("/admin/outbox/7/replay")).willReturn(problem(409, "CONFLICT",
                "Already delivered", "Row 7 was delivered; replay it with force=true to send it again.")));
        server.stubFor(post(urlEqualTo("/admin/outbox/999999/replay")).willReturn(problem(404, "NOT_FOUND",
                "No such outbox row", "There is no outbox row 999999.")));
    }

    @Test
    void replays_one_row() {
        var result = cli.run("outbox", "replay", "42");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlPathEqualTo("/admin/outbox/42/replay"))
                .withQueryParam("force", absent())
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        assertThat(result.out()).isEqualTo("Row 42 replayed: now pending; the relay will deliver it shortly.\n");
    }

    @Test
    void force_is_sent_as_a_query_parameter() {
        var result = cli.run("outbox", "replay", "42", "--force");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlPathEqualTo("/admin/outbox/42/replay"))
                .withQueryParam("force", equalTo("true")));
    }

    @Test
    void an_unknown_row_is_exit_2() {
        var result = cli.run("outbox", "replay", "999999");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("error: There is no outbox row 999999. (NOT_FOUND)\n");
    }

    @Test
    void a_delivered_row_is_exit_2_with_a_hint_to_force() {
        var result = cli.run("outbox", "replay", "7");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines().toList()).containsExactly(
                "error: Row 7 was delivered; replay it with force=true to send it again. (CONFLICT)",
                "hint: row 7 was already delivered; to send it again anyway, run: plansync outbox replay 7 --force");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void all_dead_counts_asks_and_aborts_on_no() {
        stubDeadRows();

        var result = cli.stdin("n\n").run("outbox", "replay", "--all-dead");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).isEqualTo("Replay 3 dead rows? [y/N] ");
        assertThat(result.out()).isEqualTo("Nothing replayed.\n");
        server.verify(2, getRequestedFor(urlPathEqualTo("/admin/outbox")).withQueryParam("state", equalTo("dead")));
        server.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void all_dead_aborts_on_anything_but_yes_including_no_answer() {
        stubDeadRows();

        for (String answer : List.of("", "\n", "maybe\n", "yess\n", "N\n")) {
            var result = cli.stdin(answer).run("outbox", "replay", "--all-dead");
            assertThat(result.exitCode()).as(answer).isZero();
            assertThat(result.out()).as(answer).isEqualTo("Nothing replayed.\n");
        }
        server.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void all_dead_proceeds_on_yes() {
        stubDeadRows();
        server.stubFor(post(urlEqualTo("/admin/outbox/replay")).willReturn(ok("{\"replayed\":3}")));

        var result = cli.stdin(" Yes \n").run("outbox", "replay", "--all-dead");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlEqualTo("/admin/outbox/replay"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"state\":\"dead\"}")));
        assertThat(result.out()).isEqualTo("Replayed 3 dead rows; the relay will deliver them shortly.\n");
        assertThat(cli.stdin("y\n").run("outbox", "replay", "--all-dead").exitCode()).isZero();
        server.verify(2, postRequestedFor(urlEqualTo("/admin/outbox/replay")));
    }

    @Test
    void all_dead_with_yes_does_not_ask_and_passes_user_and_since() {
        server.stubFor(post(urlEqualTo("/admin/outbox/replay")).willReturn(ok("{\"replayed\":1}")));

        var result = cli.stdin("n\n").run("outbox", "replay", "--all-dead", "--user", USER,
                "--since", "2025-03-01T10:00:00+01:00", "--yes");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        server.verify(0, getRequestedFor(anyUrl()));
        server.verify(1, postRequestedFor(urlEqualTo("/admin/outbox/replay")).withRequestBody(equalToJson(
                "{\"state\":\"dead\",\"userId\":\"" + USER + "\",\"since\":\"2025-03-01T10:00:00+01:00\"}")));
        assertThat(result.out()).isEqualTo("Replayed 1 dead row of user " + USER
                + " dead since 2025-03-01T10:00:00+01:00; the relay will deliver it shortly.\n");
    }

    @Test
    void all_dead_counts_only_rows_dead_since_the_given_time() {
        Map<String, Object> older = new LinkedHashMap<>(item(1, "dead", 1, "x"));
        older.put("updatedAt", "2025-02-28T23:59:59Z");
        Map<String, Object> newer = new LinkedHashMap<>(item(2, "dead", 1, "x"));
        newer.put("updatedAt", "2025-03-01T00:00:00Z");
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(List.of(older, newer), null))));
        server.stubFor(post(urlEqualTo("/admin/outbox/replay")).willReturn(ok("{\"replayed\":1}")));

        var result = cli.stdin("y\n").run("outbox", "replay", "--all-dead", "--since", "2025-03-01");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).isEqualTo("Replay 1 dead row dead since 2025-03-01T00:00:00Z? [y/N] ");
        server.verify(1, postRequestedFor(urlEqualTo("/admin/outbox/replay")).withRequestBody(equalToJson(
                "{\"state\":\"dead\",\"since\":\"2025-03-01T00:00:00Z\"}")));
    }

    @Test
    void all_dead_with_nothing_dead_does_not_ask() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(List.of(), null))));

        var result = cli.stdin("y\n").run("outbox", "replay", "--all-dead", "--user", USER);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("No dead rows of user " + USER + ".\nNothing replayed.\n");
        assertThat(result.err()).isEmpty();
        server.verify(getRequestedFor(urlPathEqualTo("/admin/outbox")).withQueryParam("userId", equalTo(USER)));
        server.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void wrong_combinations_and_a_bad_since_are_usage_errors_that_send_nothing() {
        for (String[] args : List.of(
                new String[] {"outbox", "replay"},
                new String[] {"outbox", "replay", "42", "--all-dead"},
                new String[] {"outbox", "replay", "42", "--yes"},
                new String[] {"outbox", "replay", "42", "--user", USER},
                new String[] {"outbox", "replay", "--all-dead", "--force"},
                new String[] {"outbox", "replay", "--all-dead", "--since", "yesterday"},
                new String[] {"outbox", "replay", "--all-dead", "--since", "2025-03-01T10:00:00"})) {
            var result = cli.stdin("y\n").run(args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(result.err()).as(String.join(" ", args)).startsWith("error: ")
                    .contains("Try 'plansync outbox replay --help'");
        }
        assertThat(cli.run("outbox", "replay", "--all-dead", "--since", "bad").err())
                .contains("'bad' is not an ISO-8601 time");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    private void stubDeadRows() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).withQueryParam("cursor", absent())
                .willReturn(ok(page(List.of(item(1, "dead", 1, "x"), item(2, "dead", 1, "y")), "aWQ6Mg"))));
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).withQueryParam("cursor", equalTo("aWQ6Mg"))
                .willReturn(ok(page(List.of(item(3, "dead", 1, "z")), null))));
    }

    @Test
    void a_dry_run_counts_the_dead_rows_since_a_time_and_replays_none() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(List.of(
                item(1, "dead", 25, "identity unreachable: connection refused"),
                item(2, "dead", 25, "identity unreachable: connection refused")), null))));

        var result = cli.run("outbox", "replay", "--all-dead", "--dry-run");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("Would replay 2 dead rows; nothing replayed (--dry-run).\n");
        server.verify(0, postRequestedFor(urlPathEqualTo("/admin/outbox/replay")));
        assertThat(cli.run("outbox", "replay", "42", "--dry-run").exitCode()).as("not with a row ID").isEqualTo(1);
    }
}
