package io.plansync.cli.outbox;

import com.google.gson.JsonObject;
import io.plansync.cli.Exit;
import io.plansync.cli.config.CliContext;
import io.plansync.cli.config.Prompt;
import io.plansync.cli.http.ApiClient;
import io.plansync.cli.http.ServiceError;
import io.plansync.contracts.OutboxState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code plansync outbox replay ID [--force]} sends one row again; {@code plansync outbox replay --all-dead} sends
 * every dead row (of one user, or that died since a time) again, after asking.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Make outbox rows pending again so the relay delivers them, once their cause is fixed.",
                "Give one row ID, or --all-dead for every dead row (optionally of one --user, or dead --since a "
                        + "time); --all-dead asks first unless --yes is given, and --dry-run only counts."})
public final class OutboxReplayCommand implements Callable<Integer> {
    @ParentCommand
    OutboxCommand outbox;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the outbox row to replay")
    Long id;

    @Option(names = "--force", description = "replay the row even if it was delivered (state done)")
    boolean force;

    @Option(names = "--all-dead", description = "replay every dead row that matches --user and --since")
    boolean allDead;

    @Option(names = "--user", paramLabel = "ID", description = "with --all-dead: only this user's rows (UUID)")
    UUID user;

    @Option(names = "--since", paramLabel = "TIME", converter = SinceConverter.class,
            description = "with --all-dead: only rows that went dead at or after this ISO-8601 time, "
                    + "e.g. 2025-01-31T09:00:00Z or 2025-01-31 (midnight UTC)")
    OffsetDateTime since;

    @Option(names = {"-y", "--yes"}, description = "with --all-dead: do not ask")
    boolean yes;

    @Option(names = "--dry-run", description = "with --all-dead: say how many rows would be replayed, replay none")
    boolean dryRun;

    @Override
    public Integer call() {
        if (allDead == (id != null)) {
            throw usage("give either an outbox row ID or --all-dead");
        }
        if (id != null && (user != null || since != null || yes || dryRun)) {
            throw usage("--user, --since, --yes and --dry-run go with --all-dead, not with a row ID");
        }
        if (allDead && force) {
            throw usage("--force goes with a row ID, not with --all-dead (dead rows need no force)");
        }
        return id != null ? replayOne(id) : replayAllDead();
    }

    private int replayOne(long rowId) {
        JsonObject answer;
        try {
            answer = outbox.api().replay(rowId, force);
        } catch (ServiceError e) {
            if (e.status() == 409) {
                throw e.withHint("row " + rowId + " was already delivered; to send it again anyway, run: "
                        + "plansync outbox replay " + rowId + " --force");
            }
            throw e;
        }
        String state = ApiClient.text(answer, "state");
        outbox.cli().context().out().println("Row " + rowId + " replayed: now " + (state == null ? OutboxState.PENDING.wire() : state)
                + "; the relay will deliver it shortly.");
        return Exit.OK;
    }

    private int replayAllDead() {
        CliContext context = outbox.cli().context();
        PrintWriter out = context.out();
        String sinceText = since == null ? null : since.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String filter = (user == null ? "" : " of user " + user) + (since == null ? "" : " dead since " + sinceText);
        OutboxApi api = outbox.api();
        if (dryRun) {
            long matching = countDead(api);
            out.println("Would replay " + matching + " dead " + (matching == 1 ? "row" : "rows") + filter
                    + "; nothing replayed (--dry-run).");
            return Exit.OK;
        }
        if (!yes) {
            long matching = countDead(api);
            if (matching == 0) {
                out.println("No dead rows" + filter + ".");
                out.println("Nothing replayed.");
                return Exit.OK;
            }
            if (!new Prompt(context).confirm("Replay " + matching + " dead " + (matching == 1 ? "row" : "rows")
                    + filter + "?")) {
                out.println("Nothing replayed.");
                return Exit.OK;
            }
        }
        long replayed = api.replayDead(user, sinceText);
        out.println("Replayed " + replayed + " dead " + (replayed == 1 ? "row" : "rows") + filter
                + "; the relay will deliver " + (replayed == 1 ? "it" : "them") + " shortly.");
        return Exit.OK;
    }

    /** The dead rows the bulk replay would take, as the list endpoint shows them (dead since = updated since). */
    private long countDead(OutboxApi api) {
        List<JsonObject> dead = api.all(OutboxState.DEAD, user, null);
        if (since == null) {
            return dead.size();
        }
        Instant from = since.toInstant();
        return dead.stream().filter(row -> {
            String updatedAt = ApiClient.text(row, "updatedAt");
            try {
                return updatedAt == null || !Instant.parse(updatedAt).isBefore(from);
            } catch (DateTimeParseException e) {
                return true;
            }
        }).count();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** ISO-8601 date-time with offset (2025-01-31T09:00:00Z, 2025-01-31T10:00:00+01:00) or a date (UTC midnight). */
    static final class SinceConverter implements CommandLine.ITypeConverter<OffsetDateTime> {
        @Override
        public OffsetDateTime convert(String value) {
            try {
                return OffsetDateTime.parse(value);
            } catch (DateTimeParseException notADateTime) {
                try {
                    return LocalDate.parse(value).atStartOfDay().atOffset(ZoneOffset.UTC);
                } catch (DateTimeParseException notADate) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not an ISO-8601 time; use e.g. "
                            + "2025-01-31T09:00:00Z or 2025-01-31");
                }
            }
        }
    }
}
