package io.plansync.cli.apikeys;

import com.google.gson.JsonObject;
import io.plansync.cli.Exit;
import io.plansync.cli.http.ApiClient;
import io.plansync.cli.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code plansync apikeys create --name N --scope S...}: a new key, printed this once. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create an API key for the application's servers. The key is printed once: store it now.",
                "Scopes: entitlements:read, plans:read, checkout:create."})
public final class ApiKeysCreateCommand implements Callable<Integer> {
    @ParentCommand
    ApiKeysCommand apikeys;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "what the key is for")
    String name;

    @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "a scope (repeat for more)")
    List<String> scopes;

    @Option(names = "--requests-per-minute", paramLabel = "N", description = "its rate limit (default: the "
            + "service's, 600)")
    Integer requestsPerMinute;

    @Option(names = "--json", description = "print the answer as JSON (the key included)")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("scopes", scopes);
        if (requestsPerMinute != null) {
            body.put("requestsPerMinute", requestsPerMinute);
        }
        ApiClient api = apikeys.api();
        JsonObject created = ApiClient.object(api.service(), api.post(ApiKeysCommand.PATH, Map.of(), body));
        print(apikeys.cli().context().out(), created, json);
        return Exit.OK;
    }

    /** A created key (by create or rotate): the key on a line of its own, then what it is. */
    static void print(PrintWriter out, JsonObject created, boolean json) {
        if (json) {
            Json.print(out, created);
            return;
        }
        JsonObject key = created.getAsJsonObject("apiKey");
        out.println(ApiClient.text(created, "key"));
        out.println("Created key " + ApiClient.text(key, "id") + " (" + ApiClient.text(key, "name") + "; scopes "
                + String.join(" ", key.getAsJsonArray("scopes").asList().stream().map(e -> e.getAsString())
                .toList()) + "; " + ApiClient.text(key, "requestsPerMinute") + " requests a minute).");
        out.println("Store the key now: it is not shown again. Send it as Authorization: Bearer <key>.");
    }
}
