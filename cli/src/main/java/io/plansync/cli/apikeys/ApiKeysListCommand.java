package io.plansync.cli.apikeys;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.plansync.cli.Exit;
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

/** {@code plansync apikeys list}: every key (never a secret), newest first. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the API keys, newest first, with their state and when each was last used.")
public final class ApiKeysListCommand implements Callable<Integer> {
    @ParentCommand
    ApiKeysCommand apikeys;

    @Option(names = "--json", description = "print the keys as a JSON array")
    boolean json;

    @Override
    public Integer call() {
        ApiClient api = apikeys.api();
        JsonElement keys = api.get(ApiKeysCommand.PATH, Map.of());
        PrintWriter out = apikeys.cli().context().out();
        if (json) {
            Json.print(out, keys);
            return Exit.OK;
        }
        if (keys.getAsJsonArray().isEmpty()) {
            out.println("No API keys yet: plansync apikeys create --name NAME --scope SCOPE");
            return Exit.OK;
        }
        Table table = new Table("ID", "NAME", "SCOPES", "STATE", "PER MINUTE", "LAST USED", "EXPIRES")
                .alignRight("PER MINUTE");
        for (JsonElement element : keys.getAsJsonArray()) {
            JsonObject key = element.getAsJsonObject();
            table.row(ApiClient.text(key, "id"), Table.truncate(ApiClient.text(key, "name"), 30),
                    String.join(" ", key.getAsJsonArray("scopes").asList().stream().map(JsonElement::getAsString)
                            .toList()), ApiClient.text(key, "state"), ApiClient.text(key, "requestsPerMinute"),
                    Times.toSecond(ApiClient.text(key, "lastUsedAt")), Times.toSecond(ApiClient.text(key,
                            "expiresAt")));
        }
        table.print(out);
        return Exit.OK;
    }
}
