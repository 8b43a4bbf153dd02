package io.plansync.cli.apikeys;

import com.google.gson.JsonObject;
import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;
import io.plansync.cli.http.ApiClient;
import io.plansync.cli.http.ServiceError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code plansync apikeys rotate ID [--overlap 24h]}: a successor; the old key works for the overlap. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = {"Rotate an API key: a new key with the same name, scopes and limit, printed once.",
                "The old key keeps working for the overlap (default: the service's, 24h), so that the application "
                        + "can switch without downtime."})
public final class ApiKeysRotateCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

    @ParentCommand
    ApiKeysCommand apikeys;

    @Parameters(paramLabel = "ID", description = "the key's id")
    String id;

    @Option(names = "--overlap", paramLabel = "DURATION", description = "how long the old key keeps working: "
            + "e.g. 30m, 24h, 7d; 0s ends it now")
    String overlap;

    @Option(names = "--json", description = "print the answer as JSON (the new key included)")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> body = overlap == null ? Map.of() : Map.of("overlap", iso(overlap));
        ApiClient api = apikeys.api();
        JsonObject created;
        try {
            created = ApiClient.object(api.service(), api.post(ApiKeysCommand.keyPath(id, "rotate"), Map.of(), body));
        } catch (ServiceError e) {
            throw e.status() == 404 ? e.withHint("no key has this id: see plansync apikeys list") : e;
        }
        ApiKeysCreateCommand.print(apikeys.cli().context().out(), created, json);
        if (!json) {
            apikeys.cli().context().out().println("The old key " + id + " keeps working for "
                    + (overlap == null ? "the default overlap" : overlap) + "; then it is refused.");
        }
        return Exit.OK;
    }

    /** 30m, 24h, 7d as ISO-8601 (PT30M, PT24H, P7D). */
    static String iso(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new CliFailure(Exit.USAGE, "--overlap must be a number with s, m, h or d, like 24h, not '"
                    + text + "'");
        }
        return switch (m.group(2)) {
            case "d" -> "P" + m.group(1) + "D";
            default -> "PT" + m.group(1) + m.group(2).toUpperCase(java.util.Locale.ROOT);
        };
    }
}
