package io.plansync.cli.apikeys;

import com.google.gson.JsonObject;
import io.plansync.cli.Exit;
import io.plansync.cli.http.ApiClient;
import io.plansync.cli.http.ServiceError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code plansync apikeys revoke ID}: the key stops working at once, on every replica. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke an API key now (a leaked key): every request with it is refused from now on.")
public final class ApiKeysRevokeCommand implements Callable<Integer> {
    @ParentCommand
    ApiKeysCommand apikeys;

    @Parameters(paramLabel = "ID", description = "the key's id (plansync apikeys list)")
    String id;

    @Override
    public Integer call() {
        ApiClient api = apikeys.api();
        JsonObject key;
        try {
            key = ApiClient.object(api.service(), api.post(ApiKeysCommand.keyPath(id, "revoke"), Map.of(), null));
        } catch (ServiceError e) {
            throw e.status() == 404 ? e.withHint("no key has this id: see plansync apikeys list") : e;
        }
        apikeys.cli().context().out().println("Revoked key " + ApiClient.text(key, "id") + " ("
                + ApiClient.text(key, "name") + ").");
        return Exit.OK;
    }
}
