package io.plansync.cli.reconcile;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.google.gson.JsonParser;
import io.plansync.cli.CliRun;
import io.plansync.cli.FakePaymentService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.problem;
import static org.assertj.core.api.Assertions.assertThat;

/** plansync reconcile starts a run, follows it to its end, and prints its figures and drifts. */
class ReconcileCommandTest {
    private static final String RUNNING = "{\"id\":7,\"state\":\"running\",\"phase\":\"identity\",\"dryRun\":false,"
            + "\"usersTotal\":120,\"checked\":40,\"drifted\":1,\"enqueued\":1,\"failed\":0,"
            + "\"subscriptionsChecked\":9,\"subscriptionsDrifted\":1,\"stripeEventsChecked\":45,"
            + "\"stripeEventsRecovered\":2,\"stripeFailed\":false,\"error\":null}";
    private static final String DONE = RUNNING.replace("\"running\"", "\"done\"").replace("\"identity\"",
            "\"finished\"").replace("\"checked\":40", "\"checked\":120").replace("\"drifted\":1,\"enqueued\":1",
            "\"drifted\":3,\"enqueued\":3").replace("\"failed\":0", "\"failed\":1");
    private static final String DRIFTS = "{\"drifts\":[{\"userId\":\"3f1c0d4e-1111-4222-8333-944455556666\","
            + "\"subscriptionId\":null,\"reason\":\"identity_differs\",\"stripeSide\":null,"
            + "\"paymentSide\":\"pro/active\",\"identitySide\":\"free/active\",\"repair\":\"outbox row queued\"},"
            + "{\"userId\":\"3f1c0d4e-1111-4222-8333-944455556667\",\"subscriptionId\":\"sub_123\","
            + "\"reason\":\"subscription_stale\",\"stripeSide\":\"active price_pro until x\","
            + "\"paymentSide\":\"canceled price_pro until x\",\"identitySide\":null,"
            + "\"repair\":\"subscription read from Stripe again\"}],\"next\":null}";

    @RegisterExtension
    static WireMockExtension server = FakePaymentService.onFreePort();

    @RegisterExtension
    final CliRun cli = CliRun.loggedIn(server::baseUrl);

    @BeforeEach
    void setUp() {
        server.resetAll();
        server.stubFor(post(urlPathEqualTo("/admin/reconciliations")).willReturn(ok(RUNNING).withStatus(202)));
        // The first read finds it still running, the next one done.
        server.stubFor(get(urlPathEqualTo("/admin/reconciliations/7")).inScenario("run").whenScenarioStateIs(STARTED)
                .willReturn(ok(RUNNING)).willSetStateTo("done"));
        server.stubFor(get(urlPathEqualTo("/admin/reconciliations/7")).inScenario("run").whenScenarioStateIs("done")
                .willReturn(ok(DONE)));
        server.stubFor(get(urlPathEqualTo("/admin/reconciliations/7/drifts")).willReturn(ok(DRIFTS)));
    }

    @Test
    void starts_a_run_follows_it_and_prints_the_figures_and_the_drifts() {
        var result = cli.run("reconcile", "--poll-interval", "PT0.05S");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlPathEqualTo("/admin/reconciliations"))
                .withQueryParam("dryRun", equalTo("false"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        server.verify(2, getRequestedFor(urlPathEqualTo("/admin/reconciliations/7")));
        assertThat(result.err()).contains("run 7: identity, users 40/120, subscriptions 9");
        assertThat(result.out().lines().toList()).startsWith(
                "Reconciliation 7",
                "  users checked                120",
                "  drifted                        3",
                "  enqueued                       3",
                "  failed                         1",
                "  subscriptions checked          9",
                "  subscriptions drifted          1",
                "  Stripe events checked         45",
                "  Stripe events recovered        2");
        assertThat(result.out()).contains("3f1c0d4e-1111-4222-8333-944455556666  -                             "
                        + "identity_differs            outbox row queued")
                .contains("    payment: pro/active; identity: free/active")
                .contains("sub_123").contains("subscription_stale");
    }

    @Test
    void detach_returns_the_runs_id_at_once() {
        var result = cli.run("reconcile", "--detach", "--dry-run");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlPathEqualTo("/admin/reconciliations"))
                .withQueryParam("dryRun", equalTo("true")));
        server.verify(0, getRequestedFor(urlPathEqualTo("/admin/reconciliations/7")));
        assertThat(result.out()).isEqualTo("Reconciliation 7 started (dry run); follow it with: "
                + "plansync reconcile --follow 7\n");
    }

    @Test
    void follow_joins_a_run_already_started() {
        var result = cli.run("reconcile", "--follow", "7", "--poll-interval", "PT0.05S");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(0, postRequestedFor(urlPathEqualTo("/admin/reconciliations")));
        assertThat(result.out()).startsWith("Reconciliation 7\n");
    }

    @Test
    void json_prints_the_finished_run_with_every_drift() {
        var result = cli.run("reconcile", "--json", "--poll-interval", "PT0.05S");

        assertThat(result.exitCode()).isZero();
        var run = JsonParser.parseString(result.out()).getAsJsonObject();
        assertThat(run.get("state").getAsString()).isEqualTo("done");
        assertThat(run.getAsJsonArray("drifts")).hasSize(2);
        assertThat(result.err()).as("no progress lines around JSON").isEmpty();
    }

    @Test
    void a_run_that_failed_is_exit_3_and_says_why() {
        server.stubFor(get(urlPathEqualTo("/admin/reconciliations/7")).inScenario("run").whenScenarioStateIs("done")
                .willReturn(ok(DONE.replace("\"done\"", "\"failed\"").replace("\"error\":null",
                        "\"error\":\"SQLException\""))));

        var result = cli.run("reconcile", "--poll-interval", "PT0.05S");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.out()).startsWith("Reconciliation 7: failed (SQLException)\n");
    }

    @Test
    void a_run_in_progress_elsewhere_is_exit_2_with_a_hint() {
        server.stubFor(post(urlPathEqualTo("/admin/reconciliations")).willReturn(problem(409, "CONFLICT",
                "Already running", "A reconciliation is running; follow it or try again when it is done.")));

        var result = cli.run("reconcile");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines().toList()).containsExactly(
                "error: A reconciliation is running; follow it or try again when it is done. (CONFLICT)",
                "hint: a reconciliation is already running; follow it: plansync reconcile --follow ID (its id: "
                        + "GET /admin/reconciliations/latest)");
    }
}
