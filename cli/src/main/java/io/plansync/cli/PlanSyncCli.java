package io.plansync.cli;

import io.plansync.cli.apikeys.ApiKeysCommand;
import io.plansync.cli.config.CliContext;
import io.plansync.cli.config.TokenStore;
import io.plansync.cli.http.ApiClient;
import io.plansync.cli.keys.KeysCommand;
import io.plansync.cli.login.LoginCommand;
import io.plansync.cli.outbox.OutboxCommand;
import io.plansync.cli.reconcile.ReconcileCommand;
import io.plansync.cli.users.UsersCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code plansync}: the operators' command line for PlanSync. It calls payment-service's operator endpoints (and
 * identity-service to log in and for its user admin endpoints) over HTTP only.
 *
 * <p>Build it with {@link #commandLine(CliContext)}, which installs the handlers that turn every failure into a
 * one-line message and an exit code (see {@link Exit}); {@link #main} is that with the real process around it.
 */
@Command(name = "plansync",
        mixinStandardHelpOptions = true,
        version = "plansync 0.1.0",
        description = "Operate PlanSync: log in, inspect and replay the payment outbox, reconcile plans, unlock users.",
        subcommands = {LoginCommand.class, OutboxCommand.class, ReconcileCommand.class, UsersCommand.class,
                ApiKeysCommand.class, KeysCommand.class},
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  PLANSYNC_PAYMENT_URL   --payment default (else http://localhost:8082)",
                "  PLANSYNC_IDENTITY_URL  --identity default of login and users (else http://localhost:8081)",
                "  PLANSYNC_TOKEN         access token to use instead of the stored one",
                "  PLANSYNC_TOKEN_FILE    token file (default ~/.config/plansync/token)",
                "  PLANSYNC_HTTP_TIMEOUT  answer timeout in seconds (default 30, reconcile 600)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:usage error (unknown option, bad value)",
                "2:refused by the server (401, 403, 404, 409, other 4xx) or not logged in",
                "3:server unreachable (connection refused, timeout, unknown host) or 5xx"})
public final class PlanSyncCli implements Callable<Integer> {
    public static final String DEFAULT_PAYMENT_URL = "http://localhost:8082";
    public static final String PAYMENT_URL_VARIABLE = "PLANSYNC_PAYMENT_URL";
    public static final String DEFAULT_IDENTITY_URL = "http://localhost:8081";
    public static final String IDENTITY_URL_VARIABLE = "PLANSYNC_IDENTITY_URL";
    public static final String TIMEOUT_VARIABLE = "PLANSYNC_HTTP_TIMEOUT";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Option(names = "--payment", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "payment-service base URL (default: $PLANSYNC_PAYMENT_URL, else " + DEFAULT_PAYMENT_URL + ")")
    String paymentUrl;

    private final CliContext context;

    /** The real process's environment, streams and terminal. */
    public PlanSyncCli() {
        this(CliContext.system());
    }

    public PlanSyncCli(CliContext context) {
        this.context = context;
    }

    public static void main(String[] args) {
        CliContext context = CliContext.system();
        int exitCode = commandLine(context).execute(args);
        context.out().flush();
        context.err().flush();
        System.exit(exitCode);
    }

    /** The whole command tree around {@code context}, with the CLI's output streams and failure handling. */
    public static CommandLine commandLine(CliContext context) {
        return configure(new CommandLine(new PlanSyncCli(context)), context);
    }

    /** Installs output streams and the handlers that map every failure to a message and an exit code. */
    public static CommandLine configure(CommandLine commandLine, CliContext context) {
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(PlanSyncCli::usageError);
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> failure(exception, context));
        return commandLine;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(context.err());
        return Exit.USAGE;
    }

    public CliContext context() {
        return context;
    }

    /** payment-service's operator API with the operator's token; exit 2 when not logged in. */
    public ApiClient paymentApi() {
        return paymentApi(DEFAULT_TIMEOUT);
    }

    /** The same, waiting up to {@code defaultTimeout} unless PLANSYNC_HTTP_TIMEOUT says otherwise. */
    public ApiClient paymentApi(Duration defaultTimeout) {
        String url = paymentUrl != null ? paymentUrl : context.env(PAYMENT_URL_VARIABLE);
        String base = ApiClient.checkedBaseUrl(paymentUrl != null ? "--payment" : PAYMENT_URL_VARIABLE,
                url != null ? url : DEFAULT_PAYMENT_URL);
        String token = new TokenStore(context).token();
        return new ApiClient("payment-service", base, token, timeout(defaultTimeout));
    }

    /**
     * identity-service's base URL: the command's {@code --identity} if given, else PLANSYNC_IDENTITY_URL, else
     * {@value #DEFAULT_IDENTITY_URL}; exit 1 when it is not an http(s) URL.
     */
    public String identityBaseUrl(String identityOption) {
        String url = identityOption != null ? identityOption : context.env(IDENTITY_URL_VARIABLE);
        return ApiClient.checkedBaseUrl(identityOption != null ? "--identity" : IDENTITY_URL_VARIABLE,
                url != null ? url : DEFAULT_IDENTITY_URL);
    }

    /** identity-service's admin API with the operator's token; exit 2 when not logged in. */
    public ApiClient identityApi(String identityOption) {
        String base = identityBaseUrl(identityOption);
        return new ApiClient("identity-service", base, new TokenStore(context).token(), timeout(DEFAULT_TIMEOUT));
    }

    /** PLANSYNC_HTTP_TIMEOUT (whole seconds) or {@code defaultTimeout}. */
    public Duration timeout(Duration defaultTimeout) {
        String configured = context.env(TIMEOUT_VARIABLE);
        if (configured == null) {
            return defaultTimeout;
        }
        try {
            long seconds = Long.parseLong(configured);
            if (seconds < 1) {
                throw new NumberFormatException();
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new CliFailure(Exit.USAGE, TIMEOUT_VARIABLE + " must be a whole number of seconds, not '"
                    + configured + "'");
        }
    }

    private static int usageError(CommandLine.ParameterException exception, String[] args) {
        CommandLine failed = exception.getCommandLine();
        PrintWriter err = failed.getErr();
        err.println("error: " + exception.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(exception, err);
        err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return Exit.USAGE;
    }

    private static int failure(Exception exception, CliContext context) {
        PrintWriter err = context.err();
        if (exception instanceof CliFailure failure) {
            failure.lines().forEach(err::println);
            err.flush();
            return failure.exitCode();
        }
        // A bug, not an expected outcome: still one line, never a stack trace.
        String message = exception.getMessage();
        err.println("error: unexpected " + exception.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message.replaceAll("\\s+", " ").strip()));
        err.flush();
        return Exit.USAGE;
    }
}
