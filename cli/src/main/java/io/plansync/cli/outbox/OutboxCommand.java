package io.plansync.cli.outbox;

import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code plansync outbox ...}: the plan changes payment-service still has to deliver, or could not. */
@Command(name = "outbox", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Inspect and replay payment-service's outbox of plan changes for identity-service.",
        subcommands = {OutboxListCommand.class, OutboxShowCommand.class, OutboxReplayCommand.class})
public final class OutboxCommand implements Callable<Integer> {
    @ParentCommand
    PlanSyncCli cli;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(cli.context().err());
        return Exit.USAGE;
    }

    OutboxApi api() {
        return new OutboxApi(cli.paymentApi());
    }

    PlanSyncCli cli() {
        return cli;
    }
}
