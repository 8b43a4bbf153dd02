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

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code plansync users revoke-sessions ID}: signs a user out everywhere: identity-service revokes their refresh
 * tokens, payment-service ends their billing-page sessions. Access tokens already issued end within their lifetime.
 */
@Command(name = "revoke-sessions", mixinStandardHelpOptions = true,
        description = {"Sign a user out everywhere (a stolen device, a taken-over account): their refresh tokens are "
                + "revoked and their billing-page sessions ended.",
                "Access tokens already issued still work until they expire (15 minutes at most)."})
public final class UsersRevokeSessionsCommand implements Callable<Integer> {
    @ParentCommand
    UsersCommand users;

    @Parameters(paramLabel = "ID", description = "the user's id (a UUID)")
    String id;

    @Option(names = "--identity", paramLabel = "URL",
            description = "identity-service base URL (default: $" + PlanSyncCli.IDENTITY_URL_VARIABLE + ", else "
                    + PlanSyncCli.DEFAULT_IDENTITY_URL + ")")
    String identityUrl;

    @Override
    public Integer call() {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(Exit.USAGE, "ID must be a user id (a UUID), not '" + id + "'");
        }
        PlanSyncCli cli = users.cli();
        ApiClient identity = cli.identityApi(identityUrl);
        JsonObject revoked;
        try {
            revoked = ApiClient.object(identity.service(), identity.post("/admin/users/" + id + "/revoke-sessions",
                    Map.of(), null));
        } catch (ServiceError e) {
            throw e.status() == 404 ? e.withHint("no user has this id at identity-service") : e;
        }
        ApiClient payment = cli.paymentApi();
        JsonObject ended = ApiClient.object(payment.service(), payment.post("/admin/users/" + id
                + "/revoke-sessions", Map.of(), null));
        cli.context().out().println("Signed out user " + id + ": " + ApiClient.text(revoked, "refreshTokensRevoked")
                + " refresh token(s) revoked, " + ApiClient.text(ended, "billingSessionsEnded")
                + " billing session(s) ended. Access tokens already issued expire within 15 minutes.");
        return Exit.OK;
    }
}
