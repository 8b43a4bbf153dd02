package io.plansync.cli.keys;

import com.google.gson.JsonElement;
import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import io.plansync.cli.http.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code plansync keys rotate --service identity|payment [--now]}: the next key now, or a leaked key retired now. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = {"Rotate a service's signing key now instead of on its schedule: the next key is published "
                + "at once and signs after the publish-ahead; the old one is refused after the overlap.",
                "--now (a leaked key): the new key signs at once and every other key is retired at once, so every "
                        + "token they signed is refused (users sign in again; payment-service's refused rows are "
                        + "replayed)."})
public final class KeysRotateCommand implements Callable<Integer> {
    @ParentCommand
    KeysCommand keys;

    @Option(names = "--service", required = true, paramLabel = "SERVICE", description = "identity or payment")
    String service;

    @Option(names = "--now", description = "retire the current key at once (a leaked key)")
    boolean now;

    @Option(names = "--identity", paramLabel = "URL", description = "identity-service base URL (default: $"
            + PlanSyncCli.IDENTITY_URL_VARIABLE + ", else " + PlanSyncCli.DEFAULT_IDENTITY_URL + ")")
    String identityUrl;

    @Option(names = "--json", description = "print the keys afterwards as a JSON array")
    boolean json;

    @Override
    public Integer call() {
        ApiClient api = keys.api(service, identityUrl);
        JsonElement listed = api.post(KeysCommand.PATH + "/rotate", ApiClient.query("now", now ? "true" : null),
                null);
        PrintWriter out = keys.cli().context().out();
        if (!json) {
            out.println(now ? "Rotated " + service + "-service's signing key now: every other key is retired."
                    : "Rotation of " + service + "-service's signing key started: the next key is published now.");
        }
        KeysListCommand.print(out, listed, json);
        return Exit.OK;
    }
}
