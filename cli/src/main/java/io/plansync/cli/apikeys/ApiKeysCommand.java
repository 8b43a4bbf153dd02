package io.plansync.cli.apikeys;

import io.plansync.cli.Exit;
import io.plansync.cli.PlanSyncCli;
import io.plansync.cli.http.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code plansync apikeys ...}: the developer API's keys, at payment-service. */
@Command(name = "apikeys", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Create, list, revoke and rotate API keys of the developer API (needs an admin token).",
        subcommands = {ApiKeysCreateCommand.class, ApiKeysListCommand.class, ApiKeysRevokeCommand.class,
                ApiKeysRotateCommand.class})
public final class ApiKeysCommand implements Callable<Integer> {
    static final String PATH = "/admin/api-keys";

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

    ApiClient api() {
        return cli.paymentApi();
    }

    static String keyPath(String id, String action) {
        return PATH + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/" + action;
    }
}
