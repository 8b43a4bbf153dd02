package io.plansync.cli.outbox;

import com.google.gson.JsonObject;
import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;
import io.plansync.cli.output.Json;
import io.plansync.cli.output.Table;
import io.plansync.cli.output.Times;
import io.plansync.contracts.OutboxState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code plansync outbox list}: rows in one state (dead by default), as a table or JSON. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List outbox rows in one state, oldest first (dead rows by default).",
                "Shows one page unless --all is given."})
public final class OutboxListCommand implements Callable<Integer> {
    static final int LAST_ERROR_WIDTH = 60;

    @ParentCommand
    OutboxCommand outbox;

    @Option(names = "--state", paramLabel = "STATE", defaultValue = OutboxState.Names.DEAD,
            converter = OutboxStateConverter.class,
            description = "pending, retrying, dead or done (default: ${DEFAULT-VALUE})")
    OutboxState state;

    @Option(names = "--user", paramLabel = "ID", description = "only this user's rows (a user id, UUID)")
    UUID user;

    @Option(names = "--limit", paramLabel = "N", description = "rows per page (server default 50, at most 200)")
    Integer limit;

    @Option(names = "--all", description = "follow the pages to the end")
    boolean all;

    @Option(names = "--json", description = "print the rows as a JSON array")
    boolean json;

    @Override
    public Integer call() {
        if (limit != null && limit < 1) {
            throw new CliFailure(Exit.USAGE, "--limit must be at least 1");
        }
        OutboxApi api = outbox.api();
        List<JsonObject> items;
        String nextCursor = null;
        if (all) {
            items = api.all(state, user, limit);
        } else {
            OutboxApi.Page page = api.page(state, user, limit, null);
            items = page.items();
            nextCursor = page.nextCursor();
        }
        PrintWriter out = outbox.cli().context().out();
        if (json) {
            Json.print(out, OutboxApi.array(items));
        } else if (items.isEmpty()) {
            out.println("No " + state.wire() + " outbox rows" + (user == null ? "" : " for user " + user) + ".");
        } else {
            Table table = new Table("ID", "USER", "PLAN", "STATUS", "STATE", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR")
                    .alignRight("ID").alignRight("ATTEMPTS");
            for (JsonObject row : items) {
                OutboxItem item = OutboxItem.of(row);
                table.row(item.id(), item.userId(), item.plan(), item.status(), item.state(), item.attempts(),
                        Times.toSecond(item.nextAttempt()), Table.truncate(item.lastError(), LAST_ERROR_WIDTH));
            }
            table.print(out);
            out.println();
            out.println(items.size() + (items.size() == 1 ? " row" : " rows")
                    + (nextCursor != null ? "; more match: add --all to list them all" : "."));
        }
        if (json && nextCursor != null) {
            outbox.cli().context().err().println("note: more rows match; add --all to list them all");
        }
        return Exit.OK;
    }
}
