package io.plansync.cli.outbox;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
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
import java.util.concurrent.Callable;

/** {@code plansync outbox show ID}: one row and every delivery attempt made for it. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one outbox row and its delivery attempts.")
public final class OutboxShowCommand implements Callable<Integer> {
    @ParentCommand
    OutboxCommand outbox;

    @Parameters(index = "0", paramLabel = "ID", description = "the outbox row id")
    long id;

    @Option(names = "--json", description = "print the row and its history as JSON")
    boolean json;

    @Override
    public Integer call() {
        JsonObject row = outbox.api().show(id);
        PrintWriter out = outbox.cli().context().out();
        if (json) {
            Json.print(out, row);
            return Exit.OK;
        }
        OutboxItem item = OutboxItem.of(row);
        out.println("Outbox row " + item.id());
        field(out, "user", item.userId());
        field(out, "plan", item.plan() + " (" + item.status() + ")");
        field(out, "state", item.state());
        field(out, "attempts", item.attempts());
        field(out, "next attempt", item.nextAttempt() == null ? "-" : Times.toSecond(item.nextAttempt()));
        field(out, "last error", item.lastError() == null ? "-" : item.lastError());
        field(out, "event", item.eventId());
        field(out, "correlation id", ApiClient.text(row, "correlationId"));
        field(out, "created", Times.toSecond(item.createdAt()));
        field(out, "updated", Times.toSecond(item.updatedAt()));
        out.println();

        JsonElement history = row.get("history");
        if (history == null || !history.isJsonArray() || history.getAsJsonArray().isEmpty()) {
            out.println("Attempt history: no attempts yet.");
            return Exit.OK;
        }
        out.println("Attempt history (" + history.getAsJsonArray().size() + "):");
        Table table = new Table("ATTEMPTED AT", "OUTCOME", "HTTP", "ERROR").alignRight("HTTP");
        for (JsonElement element : history.getAsJsonArray()) {
            JsonObject attempt = element.isJsonObject() ? element.getAsJsonObject() : new JsonObject();
            table.row(Times.toSecond(ApiClient.text(attempt, "attemptedAt")), ApiClient.text(attempt, "outcome"),
                    ApiClient.text(attempt, "httpStatus"), Table.truncate(ApiClient.text(attempt, "error"), 100));
        }
        table.print(out);
        return Exit.OK;
    }

    private static void field(PrintWriter out, String name, String value) {
        out.printf("  %-15s %s%n", name, value == null ? "-" : value.replaceAll("\\s+", " ").strip());
    }
}
