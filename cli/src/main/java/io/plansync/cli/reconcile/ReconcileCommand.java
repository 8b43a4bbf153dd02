package io.plansync.cli.reconcile;

import com.google.gson.JsonObject;
import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import io.plansync.cli.http.ApiClient;
import io.plansync.cli.http.ServiceError;
import io.plansync.cli.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code plansync reconcile}: runs payment-service's reconciliation now. It compares every user's paid plan with
 * identity-service's and enqueues a sync for each one that drifted, and looks for succeeded Stripe payments whose
 * webhook never arrived. {@code --dry-run} only reports.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Run payment-service's reconciliation now: compare every user's paid plan with "
                + "identity-service's, enqueue a sync for each drifted one, and recover succeeded Stripe payments "
                + "whose webhook never arrived.",
                "Only one run at a time across replicas: another run in progress answers CONFLICT."})
public final class ReconcileCommand implements Callable<Integer> {
    /** A run compares every user; it may take a while. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    @ParentCommand
    PlanSyncCli cli;

    @Option(names = "--dry-run", description = "report the drift without enqueuing or recovering anything")
    boolean dryRun;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    public Integer call() {
        ApiClient payment = cli.paymentApi(DEFAULT_TIMEOUT);
        JsonObject report;
        try {
            report = ApiClient.object(payment.service(), payment.post("/admin/reconcile",
                    ApiClient.query("dryRun", Boolean.toString(dryRun)), null));
        } catch (ServiceError e) {
            if (e.status() == 409) {
                throw e.withHint("a reconciliation is already running on another replica; try again when it is done");
            }
            throw e;
        }
        PrintWriter out = cli.context().out();
        if (json) {
            Json.print(out, report);
            return Exit.OK;
        }
        boolean wasDryRun = report.has("dryRun") ? report.get("dryRun").getAsBoolean() : dryRun;
        out.println(wasDryRun ? "Reconciliation (dry run: nothing was enqueued or recovered)"
                : "Reconciliation");
        figure(out, "users checked", report, "checked");
        figure(out, "drifted", report, "drifted");
        figure(out, "enqueued", report, "enqueued");
        figure(out, "failed", report, "failed");
        figure(out, "Stripe events checked", report, "stripeEventsChecked");
        figure(out, wasDryRun ? "Stripe events to recover" : "Stripe events recovered", report,
                "stripeEventsRecovered");
        if (report.has("stripeListFailed") && report.get("stripeListFailed").getAsBoolean()) {
            out.println("  warning: Stripe's event list could not be read; missed payments were not looked for"
                    + " (see payment-service's log)");
        }
        return Exit.OK;
    }

    private static void figure(PrintWriter out, String label, JsonObject report, String member) {
        String value = ApiClient.text(report, member);
        out.printf("  %-25s %6s%n", label, value == null ? "-" : value);
    }
}
