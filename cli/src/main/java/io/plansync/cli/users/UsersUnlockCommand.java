package io.plansync.cli.users;

import com.google.gson.JsonObject;
import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import io.plansync.cli.http.ApiClient;
import io.plansync.cli.http.ServiceError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code plansync users unlock ID}: lifts a user's login lock-out at once (identity-service forgets the recorded
 * failed logins). identity-service logs which admin did it.
 */
@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = {"Lift a user's login lock-out now (after too many failed logins).",
                "Needs a token of an admin; identity-service logs who unlocked whom."})
public final class UsersUnlockCommand implements Callable<Integer> {
    @ParentCommand
    UsersCommand users;

    @Parameters(paramLabel = "ID", description = "the user's id")
    String id;

    @Option(names = "--identity", paramLabel = "URL",
            description = "identity-service base URL (default: $" + PlanSyncCli.IDENTITY_URL_VARIABLE + ", else "
                    + PlanSyncCli.DEFAULT_IDENTITY_URL + ")")
    String identityUrl;

    @Override
    public Integer call() {
        if (id.isBlank()) {
            throw new CliFailure(Exit.USAGE, "ID must not be empty");
        }
        PlanSyncCli cli = users.cli();
        ApiClient identity = cli.identityApi(identityUrl);
        JsonObject answer;
        try {
            answer = ApiClient.object(identity.service(), identity.post(
                    "/admin/users/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/unlock",
                    Map.of(), null));
        } catch (ServiceError e) {
            if (e.status() == 404) {
                throw e.withHint("no user has this id: check it with the user's record in identity-service");
            }
            throw e;
        }
        String forgotten = ApiClient.text(answer, "failuresForgotten");
        cli.context().out().println("0".equals(forgotten)
                ? "User " + id + " was not locked; nothing to do."
                : "Unlocked user " + id + " (" + forgotten + " recorded failed logins forgotten).");
        return Exit.OK;
    }
}
