package io.plansync.cli.outbox;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.plansync.cli.CliRun;
import io.plansync.cli.FakePaymentService;
import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.USER;
import static io.plansync.cli.FakePaymentService.item;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.page;
import static org.assertj.core.api.Assertions.assertThat;

class OutboxListCommandTest {
    @RegisterExtension
    static WireMockExtension server = FakePaymentService.onFreePort();

    private static final String LONG_ERROR = "identity-service answered 404 USER_NOT_FOUND: there is no user "
            + USER + " at identity-service, so this plan change cannot be applied";

    @RegisterExtension
    final CliRun cli = CliRun.loggedIn(server::baseUrl);

    @Test
    void lists_dead_rows_by_default_as_an_aligned_table() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(List.of(
                item(7, "dead", 1, LONG_ERROR), item(12345, "dead", 25, "HTTP 503")), null))));

        var result = cli.run("outbox", "list");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(getRequestedFor(urlPathEqualTo("/admin/outbox"))
                .withQueryParam("state", equalTo("dead"))
                .withQueryParam("userId", absent()).withQueryParam("limit", absent())
                .withQueryParam("cursor", absent())
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        List<String> lines = result.out().lines().toList();
        String header = lines.getFirst();
        assertThat(header).matches("\\s*ID  USER\\s+PLAN  STATUS  STATE  ATTEMPTS  NEXT ATTEMPT  LAST ERROR");
        String first = lines.get(1);
        String second = lines.get(2);
        assertThat(first).contains("    7  " + USER + "  pro   active  dead ");
        assertThat(second).contains("12345  " + USER);
        // Columns line up under their headers.
        for (String column : List.of("USER", "PLAN", "STATUS", "STATE", "LAST ERROR")) {
            int at = header.indexOf(column);
            assertThat(first.charAt(at - 1)).as(column).isEqualTo(' ');
            assertThat(first.charAt(at)).as(column).isNotEqualTo(' ');
            assertThat(second.charAt(at)).as(column).isNotEqualTo(' ');
        }
        assertThat(first.substring(header.indexOf("ATTEMPTS"), header.indexOf("ATTEMPTS") + 8)).isEqualTo("       1");
        assertThat(second.substring(header.indexOf("ATTEMPTS"), header.indexOf("ATTEMPTS") + 8)).isEqualTo("      25");
        // Dead rows are not attempted again, so no next attempt is shown; long errors are cut.
        assertThat(first.substring(header.indexOf("NEXT ATTEMPT")).trim()).startsWith("-");
        assertThat(first).contains(LONG_ERROR.substring(0, 50)).doesNotContain(LONG_ERROR).endsWith("...");
        assertThat(first.substring(header.indexOf("LAST ERROR"))).hasSize(OutboxListCommand.LAST_ERROR_WIDTH);
        assertThat(second).endsWith("HTTP 503");
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
        assertThat(result.out()).contains("2 rows.");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void shows_when_a_waiting_row_is_tried_next_and_passes_the_filters() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(List.of(
                item(3, "retrying", 2, "HTTP 503")), "bmV4dA"))));

        var result = cli.run("outbox", "list", "--state", "RETRYING", "--user", USER, "--limit", "1");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, getRequestedFor(urlPathEqualTo("/admin/outbox"))
                .withQueryParam("state", equalTo("retrying"))
                .withQueryParam("userId", equalTo(USER))
                .withQueryParam("limit", equalTo("1")));
        assertThat(result.out()).contains("2025-03-01T10:15:30Z").contains("retrying")
                .contains("1 row; more match: add --all to list them all");
    }

    @Test
    void json_prints_the_items_as_a_json_array() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(List.of(
                item(7, "dead", 1, "HTTP 404"), item(8, "dead", 1, null)), null))));

        var result = cli.run("outbox", "list", "--json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonArray items = JsonParser.parseString(result.out()).getAsJsonArray();
        assertThat(items).hasSize(2);
        assertThat(items.get(0).getAsJsonObject().get("id").getAsLong()).isEqualTo(7);
        assertThat(items.get(0).getAsJsonObject().get("lastError").getAsString()).isEqualTo("HTTP 404");
        assertThat(items.get(1).getAsJsonObject().get("lastError").isJsonNull()).isTrue();
        assertThat(items.get(1).getAsJsonObject().get("eventId").getAsString()).isEqualTo("evt_8");
    }

    @Test
    void all_follows_next_cursor_to_the_end() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).withQueryParam("cursor", absent())
                .willReturn(ok(page(List.of(item(1, "dead", 1, "a"), item(2, "dead", 1, "b")), "aWQ6Mg"))));
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).withQueryParam("cursor", equalTo("aWQ6Mg"))
                .willReturn(ok(page(List.of(item(3, "dead", 1, "c"), item(4, "dead", 1, "d")), "aWQ6NA"))));
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).withQueryParam("cursor", equalTo("aWQ6NA"))
                .willReturn(ok(page(List.of(item(5, "dead", 1, "e")), null))));

        var result = cli.run("outbox", "list", "--all", "--limit", "2", "--json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonArray items = JsonParser.parseString(result.out()).getAsJsonArray();
        assertThat(items.asList().stream().map(i -> i.getAsJsonObject().get("id").getAsLong()))
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        server.verify(3, getRequestedFor(urlPathEqualTo("/admin/outbox"))
                .withQueryParam("limit", equalTo("2")).withQueryParam("state", equalTo("dead")));

        var table = cli.run("outbox", "list", "--all");
        assertThat(table.out()).contains("5 rows.").doesNotContain("--all");
    }

    @Test
    void an_empty_result_says_so() {
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(List.of(), null))));

        var result = cli.run("outbox", "list", "--state", "pending");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("No pending outbox rows.\n");
    }

    @Test
    void without_a_token_it_says_to_log_in_exits_2_and_sends_nothing() {
        cli.withoutEnv("PLANSYNC_TOKEN");

        var result = cli.run("outbox", "list");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("error: not logged in: run plansync login or set PLANSYNC_TOKEN\n");
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void the_environment_token_wins_over_the_stored_one() throws Exception {
        Path tokenFile = cli.home().resolve(".config/plansync/token");
        Files.createDirectories(tokenFile.getParent());
        Files.writeString(tokenFile, "stored-token\n");
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(List.of(), null))));

        cli.run("outbox", "list");
        cli.withoutEnv("PLANSYNC_TOKEN").run("outbox", "list");

        server.verify(1, getRequestedFor(urlPathEqualTo("/admin/outbox"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        server.verify(1, getRequestedFor(urlPathEqualTo("/admin/outbox"))
                .withHeader("Authorization", equalTo("Bearer stored-token")));
    }

    @Test
    void the_payment_option_wins_over_the_environment_before_or_after_the_command() {
        cli.env("PLANSYNC_PAYMENT_URL", "http://127.0.0.1:9");
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(List.of(), null))));

        var before = cli.run("--payment", server.baseUrl(), "outbox", "list");
        var after = cli.run("outbox", "list", "--payment", server.baseUrl() + "/");

        assertThat(before.exitCode()).as(before.toString()).isZero();
        assertThat(after.exitCode()).as(after.toString()).isZero();
        server.verify(2, getRequestedFor(urlPathEqualTo("/admin/outbox")));
    }

    @Test
    void bad_option_values_are_usage_errors_and_send_nothing() {
        assertThat(cli.run("outbox", "list", "--state", "gone").exitCode()).isEqualTo(1);
        assertThat(cli.run("outbox", "list", "--user", "not-a-uuid").exitCode()).isEqualTo(1);
        assertThat(cli.run("outbox", "list", "--limit", "0").exitCode()).isEqualTo(1);
        assertThat(cli.run("outbox", "list", "--payment", "ftp://x").exitCode()).isEqualTo(1);
        var unknown = cli.run("outbox", "list", "--colour");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: Unknown option: '--colour'")
                .contains("Try 'plansync outbox list --help'");
        server.verify(0, anyRequestedFor(anyUrl()));
    }
}
