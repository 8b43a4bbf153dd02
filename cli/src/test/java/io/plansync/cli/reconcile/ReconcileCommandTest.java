package io.plansync.cli.reconcile;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.plansync.cli.CliRun;
import io.plansync.cli.FakePaymentService;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.problem;
import static org.assertj.core.api.Assertions.assertThat;

class ReconcileCommandTest {
    @RegisterExtension
    static WireMockExtension server = FakePaymentService.onFreePort();

    @RegisterExtension
    final CliRun cli = CliRun.loggedIn(server::baseUrl);

    @BeforeEach
    void setUp() {
        server.stubFor(post(urlPathEqualTo("/admin/reconcile")).withQueryParam("dryRun", equalTo("false"))
                .willReturn(ok("{\"dryRun\":false,\"checked\":120,\"drifted\":3,\"enqueued\":3,\"failed\":1,"
                        + "\"stripeEventsChecked\":45,\"stripeEventsRecovered\":2}")));
        server.stubFor(post(urlPathEqualTo("/admin/reconcile")).withQueryParam("dryRun", equalTo("true"))
                .willReturn(ok("{\"dryRun\":true,\"checked\":120,\"drifted\":3,\"enqueued\":0,\"failed\":0,"
                        + "\"stripeEventsChecked\":45,\"stripeEventsRecovered\":2}")));
    }

    @Test
    void runs_and_prints_the_figures() {
        var result = cli.run("reconcile");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlPathEqualTo("/admin/reconcile"))
                .withQueryParam("dryRun", equalTo("false"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        assertThat(result.out().lines().toList()).containsExactly(
                "Reconciliation",
                "  users checked                120",
                "  drifted                        3",
                "  enqueued                       3",
                "  failed                         1",
                "  Stripe events checked         45",
                "  Stripe events recovered        2");
    }

    @Test
    void dry_run_says_nothing_changed() {
        var result = cli.run("reconcile", "--dry-run");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlPathEqualTo("/admin/reconcile"))
                .withQueryParam("dryRun", equalTo("true")));
        assertThat(result.out()).startsWith("Reconciliation (dry run: nothing was enqueued or recovered)\n")
                .contains("  drifted                        3\n")
                .contains("  Stripe events to recover       2\n");
    }

    @Test
    void json_prints_the_report() {
        var result = cli.run("reconcile", "--dry-run", "--json");

        assertThat(result.exitCode()).isZero();
        var report = JsonParser.parseString(result.out()).getAsJsonObject();
        assertThat(report.get("dryRun").getAsBoolean()).isTrue();
        assertThat(report.get("stripeEventsChecked").getAsInt()).isEqualTo(45);
    }

    @Test
    void a_run_in_progress_elsewhere_is_exit_2_with_a_hint() {
        server.stubFor(post(urlPathEqualTo("/admin/reconcile")).willReturn(problem(409, "CONFLICT", "Already running",
                "A reconciliation is running on another replica; try again when it is done.")));

        var result = cli.run("reconcile");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines().toList()).containsExactly(
                "error: A reconciliation is running on another replica; try again when it is done. (CONFLICT)",
                "hint: a reconciliation is already running on another replica; try again when it is done");
    }
}
