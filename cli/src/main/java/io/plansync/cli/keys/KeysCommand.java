package io.plansync.cli.keys;

import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import io.plansync.cli.http.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code plansync keys ...}: the services' own signing keys. */
@Command(name = "keys", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "List and rotate a service's signing keys (needs an admin token).",
        subcommands = {KeysListCommand.class, KeysRotateCommand.class})
public final class KeysCommand implements Callable<Integer> {
    static final String PATH = "/admin/signing-keys";

    @ParentCommand
    PlanSyncCli cli;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(cli.context().err());
        return Exit.USAGE;
    }

    PlanSyncCli cli() {
        return cli;
    }

    /** identity (user tokens) or payment (service and operation tokens). */
    ApiClient api(String service, String identityUrl) {
        return switch (service) {
            case "identity" -> cli.identityApi(identityUrl);
            case "payment" -> cli.paymentApi();
            default -> throw new CliFailure(Exit.USAGE, "--service must be identity or payment, not '" + service
                    + "'");
        };
    }
}
