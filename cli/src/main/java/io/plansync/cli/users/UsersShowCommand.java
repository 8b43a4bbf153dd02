package io.plansync.cli.users;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;
import io.plansync.cli.http.ApiClient;
import io.plansync.cli.output.Json;
import io.plansync.cli.output.Table;
import io.plansync.cli.output.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code plansync users show ID}: the user's plan at Stripe, payment-service and identity-service, side by side. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show a user's plan as Stripe, payment-service and identity-service hold it, side by side, "
                + "with the latest plan changes sent to identity-service.",
                "Asks payment-service (which asks the other two); a party that cannot be asked says why."})
public final class UsersShowCommand implements Callable<Integer> {
    @ParentCommand
    UsersCommand users;

    @Parameters(paramLabel = "ID", description = "the user's id (a UUID)")
    String id;

    @Option(names = "--json", description = "print the answer as JSON")
    boolean json;

    @Override
    public Integer call() {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(Exit.USAGE, "ID must be a user id (a UUID), not '" + id + "'");
        }
        ApiClient payment = users.cli().paymentApi();
        JsonObject view = ApiClient.object(payment.service(), payment.get("/admin/users/" + id, Map.of()));
        PrintWriter out = users.cli().context().out();
        if (json) {
            Json.print(out, view);
            return Exit.OK;
        }
        out.println("User " + id);
        Table sides = new Table("WHERE", "PLAN", "STATUS", "VALID UNTIL", "NOTE");
        JsonObject stripe = view.getAsJsonObject("stripe");
        String stripeError = ApiClient.text(stripe, "error");
        if (stripeError != null) {
            sides.row("Stripe", "-", "-", "-", stripeError);
        }
        for (JsonElement element : stripe.getAsJsonArray("subscriptions")) {
            JsonObject s = element.getAsJsonObject();
            sides.row("Stripe", ApiClient.text(s, "priceId"), ApiClient.text(s, "status"),
                    Times.toSecond(ApiClient.text(s, "currentPeriodEnd")), ApiClient.text(s, "id")
                            + ("true".equals(ApiClient.text(s, "cancelAtPeriodEnd")) ? ", ends at period end" : ""));
        }
        if (stripeError == null && stripe.getAsJsonArray("subscriptions").isEmpty()) {
            sides.row("Stripe", "-", "-", "-", "customer " + ApiClient.text(stripe, "customerId")
                    + ", no open subscription");
        }
        JsonObject recorded = view.getAsJsonObject("payment");
        JsonObject sync = recorded.getAsJsonObject("sync");
        sides.row("payment-service", ApiClient.text(recorded, "plan"), ApiClient.text(recorded, "status"),
                Times.toSecond(ApiClient.text(recorded, "validUntil")), "sync " + ApiClient.text(sync, "state")
                        + (ApiClient.text(sync, "lastError") == null ? "" : ": " + ApiClient.text(sync, "lastError")));
        JsonObject identity = view.getAsJsonObject("identity");
        JsonObject user = identity.get("user").isJsonObject() ? identity.getAsJsonObject("user") : null;
        if (user == null) {
            sides.row("identity-service", "-", "-", "-", ApiClient.text(identity, "error"));
        } else {
            sides.row("identity-service", ApiClient.text(user, "plan"), ApiClient.text(user, "status"),
                    Times.toSecond(ApiClient.text(user, "validUntil")), ApiClient.text(user, "email"));
        }
        sides.print(out);
        out.println();
        if (view.getAsJsonArray("history").isEmpty()) {
            out.println("No plan changes sent to identity-service yet.");
            return Exit.OK;
        }
        out.println("Plan changes sent to identity-service, newest first:");
        Table history = new Table("OUTBOX", "PLAN", "STATUS", "STATE", "ATTEMPTS", "UPDATED", "LAST ERROR")
                .alignRight("OUTBOX").alignRight("ATTEMPTS");
        for (JsonElement element : view.getAsJsonArray("history")) {
            JsonObject change = element.getAsJsonObject();
            history.row(ApiClient.text(change, "outboxId"), ApiClient.text(change, "plan"),
                    ApiClient.text(change, "status"), ApiClient.text(change, "state"),
                    ApiClient.text(change, "attempts"), Times.toSecond(ApiClient.text(change, "updatedAt")),
                    Table.truncate(ApiClient.text(change, "lastError"), 60));
        }
        history.print(out);
        return Exit.OK;
    }
}
