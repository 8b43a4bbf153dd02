package io.plansync.cli.reconcile;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
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
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code plansync reconcile}: starts payment-service's reconciliation as a job and follows it to its end (or, with
 * {@code --detach}, returns its id at once). The run compares Stripe, payment-service and identity-service, heals
 * what drifted through the subscription queue and the outbox, and keeps each drift with its reason; the CLI prints
 * them as a table. {@code --dry-run} only reports.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Run payment-service's reconciliation: recover Stripe money events the webhook never got, "
                + "compare every Stripe subscription with payment-service's record and every user's plan with "
                + "identity-service's, and heal each drift (subscription read again, sync queued).",
                "It runs as a job on payment-service; this command follows it and prints the drifts found.",
                "Only one run at a time across replicas: another run in progress answers CONFLICT."})
public final class ReconcileCommand implements Callable<Integer> {
    /** Each request is short; following a run takes as long as the run. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Drifts printed in the table; --json has them all. */
    static final int TABLE_ROWS = 50;

    @ParentCommand
    PlanSyncCli cli;

    @Option(names = "--dry-run", description = "report the drift without healing or recovering anything")
    boolean dryRun;

    @Option(names = "--json", description = "print the finished run, with all its drifts, as JSON")
    boolean json;

    @Option(names = "--detach", description = "start the run and print its id without waiting for it")
    boolean detach;

    @Option(names = "--follow", paramLabel = "ID", description = "follow a run already started (its id)")
    Long follow;

    @Option(names = "--poll-interval", hidden = true, defaultValue = "PT1S",
            description = "how often the run's progress is read")
    Duration pollInterval;

    @Override
    public Integer call() throws InterruptedException {
        ApiClient payment = cli.paymentApi(REQUEST_TIMEOUT);
        PrintWriter out = cli.context().out();
        JsonObject run = follow != null ? run(payment, follow) : start(payment);
        long id = run.get("id").getAsLong();
        if (detach) {
            if (json) {
                Json.print(out, run);
            } else {
                out.println("Reconciliation " + id + " started" + (dryRun ? " (dry run)" : "")
                        + "; follow it with: plansync reconcile --follow " + id);
            }
            return Exit.OK;
        }
        PrintWriter err = cli.context().err();
        String lastProgress = "";
        while ("running".equals(ApiClient.text(run, "state"))) {
            String progress = progress(run);
            if (!json && !progress.equals(lastProgress)) {
                err.println(progress);
                err.flush();
                lastProgress = progress;
            }
            Thread.sleep(pollInterval.toMillis());
            run = run(payment, id);
        }
        JsonArray drifts = drifts(payment, id, json ? Integer.MAX_VALUE : TABLE_ROWS + 1);
        if (json) {
            run.add("drifts", drifts);
            Json.print(out, run);
        } else {
            print(out, run, drifts);
        }
        return "done".equals(ApiClient.text(run, "state")) ? Exit.OK : Exit.UNAVAILABLE;
    }

    private JsonObject start(ApiClient payment) {
        try {
            return ApiClient.object(payment.service(), payment.post("/admin/reconciliations",
                    ApiClient.query("dryRun", Boolean.toString(dryRun)), null));
        } catch (ServiceError e) {
            if (e.status() == 409) {
                throw e.withHint("a reconciliation is already running; follow it: plansync reconcile --follow ID "
                        + "(its id: GET /admin/reconciliations/latest)");
            }
            throw e;
        }
    }

    private static JsonObject run(ApiClient payment, long id) {
        return ApiClient.object(payment.service(), payment.get("/admin/reconciliations/" + id, Map.of()));
    }

    /** The run's drifts, oldest first, at most {@code max}. */
    private static JsonArray drifts(ApiClient payment, long id, int max) {
        JsonArray all = new JsonArray();
        String after = "0";
        while (all.size() < max) {
            JsonObject page = ApiClient.object(payment.service(), payment.get("/admin/reconciliations/" + id
                    + "/drifts", ApiClient.query("after", after, "limit", "1000")));
            for (JsonElement drift : page.getAsJsonArray("drifts")) {
                if (all.size() < max) {
                    all.add(drift);
                }
            }
            JsonElement next = page.get("next");
            if (next == null || next.isJsonNull()) {
                break;
            }
            after = next.getAsString();
        }
        return all;
    }

    private static String progress(JsonObject run) {
        return "run " + ApiClient.text(run, "id") + ": " + ApiClient.text(run, "phase") + ", users "
                + ApiClient.text(run, "checked") + "/" + ApiClient.text(run, "usersTotal") + ", subscriptions "
                + ApiClient.text(run, "subscriptionsChecked");
    }

    private static void print(PrintWriter out, JsonObject run, JsonArray drifts) {
        boolean wasDryRun = run.has("dryRun") && run.get("dryRun").getAsBoolean();
        String state = ApiClient.text(run, "state");
        out.println("Reconciliation " + ApiClient.text(run, "id") + (wasDryRun
                ? " (dry run: nothing was healed or recovered)" : "") + ("done".equals(state) ? "" : ": " + state
                + (run.has("error") && !run.get("error").isJsonNull() ? " (" + ApiClient.text(run, "error") + ")"
                : "")));
        figure(out, "users checked", run, "checked");
        figure(out, "drifted", run, "drifted");
        figure(out, "enqueued", run, "enqueued");
        figure(out, "failed", run, "failed");
        figure(out, "subscriptions checked", run, "subscriptionsChecked");
        figure(out, "subscriptions drifted", run, "subscriptionsDrifted");
        figure(out, "Stripe events checked", run, "stripeEventsChecked");
        figure(out, wasDryRun ? "Stripe events to recover" : "Stripe events recovered", run,
                "stripeEventsRecovered");
        if (run.has("stripeFailed") && run.get("stripeFailed").getAsBoolean()) {
            out.println("  warning: Stripe could not be read; its events and subscriptions were not compared"
                    + " (see payment-service's log)");
        }
        if (drifts.isEmpty()) {
            return;
        }
        out.println();
        out.printf("%-36s  %-28s  %-26s  %s%n", "user", "subscription", "reason", "repair");
        int shown = 0;
        for (JsonElement element : drifts) {
            if (shown++ == TABLE_ROWS) {
                out.println("... more drifts: --json lists them all");
                break;
            }
            JsonObject d = element.getAsJsonObject();
            out.printf("%-36s  %-28s  %-26s  %s%n", orDash(d, "userId"), orDash(d, "subscriptionId"),
                    orDash(d, "reason"), orDash(d, "repair"));
            String sides = sides(d);
            if (!sides.isEmpty()) {
                out.println("    " + sides);
            }
        }
    }

    private static String sides(JsonObject d) {
        StringBuilder sides = new StringBuilder();
        for (String[] side : new String[][]{{"stripeSide", "stripe"}, {"paymentSide", "payment"},
                {"identitySide", "identity"}}) {
            String value = ApiClient.text(d, side[0]);
            if (value != null) {
                sides.append(sides.isEmpty() ? "" : "; ").append(side[1]).append(": ").append(value);
            }
        }
        return sides.toString();
    }

    private static String orDash(JsonObject object, String member) {
        String value = ApiClient.text(object, member);
        return value == null ? "-" : value;
    }

    private static void figure(PrintWriter out, String label, JsonObject report, String member) {
        String value = ApiClient.text(report, member);
        out.printf("  %-25s %6s%n", label, value == null ? "-" : value);
    }
}
