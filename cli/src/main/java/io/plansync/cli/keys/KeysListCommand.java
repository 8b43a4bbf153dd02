package io.plansync.cli.keys;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import io.plansync.cli.http.ApiClient;
import io.plansync.cli.output.Json;
import io.plansync.cli.output.Table;
import io.plansync.cli.output.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code plansync keys list --service identity|payment}: each key's state and times. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List a service's signing keys: pending (published, not signing yet), current, previous "
                + "(published for the overlap), retired (refused).")
public final class KeysListCommand implements Callable<Integer> {
    @ParentCommand
    KeysCommand keys;

    @Option(names = "--service", required = true, paramLabel = "SERVICE", description = "identity or payment")
    String service;

    @Option(names = "--identity", paramLabel = "URL", description = "identity-service base URL (default: $"
            + PlanSyncCli.IDENTITY_URL_VARIABLE + ", else " + PlanSyncCli.DEFAULT_IDENTITY_URL + ")")
    String identityUrl;

    @Option(names = "--json", description = "print the keys as a JSON array")
    boolean json;

    @Override
    public Integer call() {
        JsonElement listed = keys.api(service, identityUrl).get(KeysCommand.PATH, Map.of());
        print(keys.cli().context().out(), listed, json);
        return Exit.OK;
    }

    static void print(PrintWriter out, JsonElement listed, boolean json) {
        if (json) {
            Json.print(out, listed);
            return;
        }
        Table table = new Table("KID", "STATE", "PUBLISHED", "SIGNS FROM", "RETIRED AT");
        for (JsonElement element : listed.getAsJsonArray()) {
            JsonObject key = element.getAsJsonObject();
            table.row(ApiClient.text(key, "kid"), ApiClient.text(key, "state"),
                    Times.toSecond(ApiClient.text(key, "publishAt")), Times.toSecond(ApiClient.text(key,
                            "activateAt")), Times.toSecond(ApiClient.text(key, "retireAt")));
        }
        table.print(out);
    }
}
