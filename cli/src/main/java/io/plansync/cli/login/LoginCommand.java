package io.plansync.cli.login;

import com.google.gson.JsonObject;
import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import io.plansync.cli.config.CliContext;
import io.plansync.cli.config.Prompt;
import io.plansync.cli.config.TokenStore;
import io.plansync.cli.http.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Logs in to identity-service and stores the access token for the other commands, in a file only the user can
 * read. The password is asked without echo (or read from one line of standard input when there is no terminal).
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Log in to identity-service and store the access token for the other commands.",
                "The password is asked without echo; without a terminal it is read from one line of standard input."})
public final class LoginCommand implements Callable<Integer> {
    public static final String DEFAULT_IDENTITY_URL = PlanSyncCli.DEFAULT_IDENTITY_URL;
    public static final String IDENTITY_URL_VARIABLE = PlanSyncCli.IDENTITY_URL_VARIABLE;

    @ParentCommand
    PlanSyncCli cli;

    @Option(names = "--identity", paramLabel = "URL",
            description = "identity-service base URL (default: $PLANSYNC_IDENTITY_URL, else " + DEFAULT_IDENTITY_URL
                    + ")")
    String identityUrl;

    @Option(names = "--email", paramLabel = "EMAIL", required = true, description = "the operator's email")
    String email;

    @Override
    public Integer call() {
        CliContext context = cli.context();
        if (email.isBlank()) {
            throw new CliFailure(Exit.USAGE, "--email must not be empty");
        }
        String base = cli.identityBaseUrl(identityUrl);

        char[] password = new Prompt(context).secret("Password for " + email + ": ");
        JsonObject answer;
        try {
            ApiClient identity = new ApiClient("identity-service", base, null, cli.timeout(Duration.ofSeconds(30)));
            answer = ApiClient.object(identity.service(), identity.post("/auth/login", Map.of(),
                    Map.of("email", email, "password", new String(password))));
        } finally {
            Arrays.fill(password, '\0');
        }
        String accessToken = ApiClient.text(answer, "access_token");
        if (accessToken == null || accessToken.isBlank()) {
            throw new CliFailure(Exit.UNAVAILABLE, "identity-service answered without an access token");
        }
        TokenStore store = new TokenStore(context);
        Path file = store.save(accessToken);
        context.out().println("Logged in as " + email + "; token stored in " + file + lifetime(answer) + ".");
        if (store.overriddenByEnvironment()) {
            context.err().println("note: PLANSYNC_TOKEN is set and is used instead of the stored token");
        }
        return Exit.OK;
    }

    private static String lifetime(JsonObject answer) {
        if (answer.has("expires_in") && answer.get("expires_in").isJsonPrimitive()) {
            try {
                long seconds = answer.get("expires_in").getAsLong();
                return seconds % 60 == 0 ? " (valid for " + seconds / 60 + " minutes)"
                        : " (valid for " + seconds + " s)";
            } catch (NumberFormatException e) {
                return "";
            }
        }
        return "";
    }
}
