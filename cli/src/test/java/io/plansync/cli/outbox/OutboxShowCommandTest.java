package io.plansync.cli.outbox;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.plansync.cli.CliRun;
import io.plansync.cli.FakePaymentService;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.USER;
import static io.plansync.cli.FakePaymentService.item;
import static io.plansync.cli.FakePaymentService.json;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.problem;
import static org.assertj.core.api.Assertions.assertThat;

class OutboxShowCommandTest {
    @RegisterExtension
    static WireMockExtension server = FakePaymentService.onFreePort();

    @RegisterExtension
    final CliRun cli = CliRun.loggedIn(server::baseUrl);

    @BeforeEach
    void setUp() {
        Map<String, Object> detail = new LinkedHashMap<>(item(42, "dead", 3, "HTTP 404 USER_NOT_FOUND"));
        detail.put("correlationId", "corr-1234");
        List<Map<String, Object>> history = new ArrayList<>();
        history.add(attempt("2025-03-01T10:00:01.250Z", "retry", null, "connection refused"));
        history.add(attempt("2025-03-01T10:00:03Z", "retry", 503, "HTTP 503"));
        history.add(attempt("2025-03-01T10:15:31Z", "dead", 404, "HTTP 404 USER_NOT_FOUND"));
        detail.put("history", history);
        server.stubFor(get(urlEqualTo("/admin/outbox/42")).willReturn(ok(json(detail))));
    }

    private static Map<String, Object> attempt(String at, String outcome, Integer status, String error) {
        Map<String, Object> attempt = new LinkedHashMap<>();
        attempt.put("attemptedAt", at);
        attempt.put("outcome", outcome);
        attempt.put("httpStatus", status);
        attempt.put("error", error);
        return attempt;
    }

    @Test
    void prints_the_row_then_its_attempt_history() {
        var result = cli.run("outbox", "show", "42");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(getRequestedFor(urlEqualTo("/admin/outbox/42"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        String out = result.out();
        assertThat(out).startsWith("Outbox row 42\n")
                .contains("  user            " + USER + "\n")
                .contains("  plan            pro (active)\n")
                .contains("  state           dead\n")
                .contains("  attempts        3\n")
                .contains("  last error      HTTP 404 USER_NOT_FOUND\n")
                .contains("  event           evt_42\n")
                .contains("  correlation id  corr-1234\n")
                .contains("  created         2025-03-01T10:00:00Z\n");
        assertThat(out.indexOf("Attempt history (3):")).isGreaterThan(out.indexOf("correlation id"));
        List<String> history = out.substring(out.indexOf("Attempt history")).lines().skip(1).toList();
        assertThat(history).hasSize(4);
        assertThat(history.get(0)).matches("ATTEMPTED AT\\s+OUTCOME  HTTP  ERROR");
        assertThat(history.get(1)).matches("2025-03-01T10:00:01Z\\s+retry\\s+-\\s+connection refused");
        assertThat(history.get(2)).matches("2025-03-01T10:00:03Z\\s+retry\\s+503\\s+HTTP 503");
        assertThat(history.get(3)).matches("2025-03-01T10:15:31Z\\s+dead\\s+404\\s+HTTP 404 USER_NOT_FOUND");
    }

    @Test
    void json_prints_the_whole_answer() {
        var result = cli.run("outbox", "show", "42", "--json");

        assertThat(result.exitCode()).isZero();
        var detail = JsonParser.parseString(result.out()).getAsJsonObject();
        assertThat(detail.get("correlationId").getAsString()).isEqualTo("corr-1234");
        assertThat(detail.getAsJsonArray("history")).hasSize(3);
    }

    @Test
    void an_unknown_row_is_exit_2_with_the_problem_detail() {
        server.stubFor(get(urlEqualTo("/admin/outbox/5")).willReturn(
                problem(404, "NOT_FOUND", "No such outbox row", "There is no outbox row 5.")));

        var result = cli.run("outbox", "show", "5");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("error: There is no outbox row 5. (NOT_FOUND)\n");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void the_id_must_be_a_number() {
        var result = cli.run("outbox", "show", "forty-two");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("forty-two");
        assertThat(cli.run("outbox", "show").exitCode()).isEqualTo(1);
    }
}
