package io.plansync.cli.users;

import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code plansync users ...}: user administration across identity-service and payment-service. */
@Command(name = "users", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Administer users: unlock, show across the services, sign out everywhere (admin token).",
        subcommands = {UsersUnlockCommand.class, UsersShowCommand.class, UsersRevokeSessionsCommand.class})
public final class UsersCommand implements Callable<Integer> {
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
}
