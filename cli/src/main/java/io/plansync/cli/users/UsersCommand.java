package io.plansync.cli.users;

import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code plansync users ...}: identity-service's user administration. */
@Command(name = "users", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Administer identity-service's users (needs an admin token).",
        subcommands = {UsersUnlockCommand.class})
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
