package io.plansync.payment.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.support.DefaultTransactionDefinition;
import io.plansync.contracts.OutboxState;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.auth.UserIds;
import io.plansync.payment.operators.OperatorAudit;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * What operators do with the outbox: find rows, look at one with its attempt history, and replay rows once the
 * cause is fixed. Every call is audited with the operator's id.
 */
@Singleton
public class OperateOutbox {
    public static final int MAX_LIMIT = 200;
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final TransactionDefinition ONE_SNAPSHOT = oneSnapshot();

    private final Outbox outbox;
    private final OutboxNotifier notifier;
    private final OperatorAudit audit;
    private final TransactionOperations<Connection> transactions;

    public OperateOutbox(Outbox outbox, OperatorAudit audit, TransactionOperations<Connection> transactions,
                         OutboxNotifier notifier) {
        this.notifier = notifier;
        this.outbox = outbox;
        this.audit = audit;
        this.transactions = transactions;
    }

    private static TransactionDefinition oneSnapshot() {
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
        definition.setIsolationLevel(TransactionDefinition.Isolation.REPEATABLE_READ);
        definition.setReadOnly(true);
        return definition;
    }

    public OutboxViews.Page list(String operator, @Nullable String state, @Nullable String userId,
                                 @Nullable Integer limit, @Nullable String cursor) {
        OutboxState wanted = state == null ? OutboxState.DEAD : OutboxState.fromWire(state)
                .orElseThrow(() -> invalid("state", "must be one of " + OutboxState.wireList()));
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw invalid("limit", "must be 1 to " + MAX_LIMIT);
        }
        UUID user = userId == null ? null : UserIds.given("userId", userId);
        long after = cursor == null ? 0 : decodeCursor(cursor);
        List<Outbox.Row> rows = outbox.page(wanted.wire(), user, after, size + 1);
        boolean more = rows.size() > size;
        List<Outbox.Row> page = more ? rows.subList(0, size) : rows;
        audit.record(operator, "list", "state=" + wanted.wire() + (user == null ? "" : " userId=" + user),
                page.size() + " rows");
        return new OutboxViews.Page(page.stream().map(OutboxViews.Item::of).toList(),
                more ? encodeCursor(page.getLast().id()) : null);
    }

    public OutboxViews.Detail show(String operator, long id) {
        // The row and its history from one snapshot, so that they never disagree (a relay may record an attempt
        // between two reads).
        OutboxViews.Detail detail = transactions.execute(ONE_SNAPSHOT, status -> outbox.findById(id)
                .map(row -> OutboxViews.Detail.of(row, outbox.attempts(id))).orElse(null));
        audit.record(operator, "show", "id=" + id, detail == null ? "not found" : "ok");
        if (detail == null) {
            throw notFound(id);
        }
        return detail;
    }

    public OutboxViews.Replayed replay(String operator, long id, boolean force) {
        String result = transactions.executeWrite(status -> {
            Outbox.Row row = outbox.findById(id).orElse(null);
            if (row == null) {
                return "not found";
            }
            if (OutboxState.DONE.wire().equals(row.state()) && !force) {
                return "refused: done";
            }
            outbox.replay(id);
            return "replayed from " + row.state();
        });
        audit.record(operator, "replay", "id=" + id + (force ? " force" : ""), result);
        if (result.equals("not found")) {
            throw notFound(id);
        }
        if (result.startsWith("refused")) {
            throw new ProblemException(HttpStatus.CONFLICT, ProblemCodes.CONFLICT, "Already delivered",
                    "Row " + id + " was delivered; replay it with force=true to send it again.");
        }
        notifier.rowsQueued();
        return new OutboxViews.Replayed(id, OutboxState.PENDING.wire());
    }

    public OutboxViews.ReplayedCount replayAll(String operator, OutboxViews.ReplayAllRequest request) {
        DeadRows rows = deadRows(request);
        List<Long> ids = outbox.replayDead(rows.user(), rows.since());
        audit.record(operator, "replay-all", rows + " ids=" + ids, ids.size() + " replayed");
        if (!ids.isEmpty()) {
            notifier.rowsQueued();
        }
        return new OutboxViews.ReplayedCount(ids.size());
    }

    /** A bulk replay's dry run: how many dead rows it would replay now. Audited as well. */
    public long countReplayable(String operator, OutboxViews.ReplayAllRequest request) {
        DeadRows rows = deadRows(request);
        long count = outbox.countDead(rows.user(), rows.since());
        audit.record(operator, "replay-all dry-run", rows.toString(), count + " would be replayed");
        return count;
    }

    /** The dead rows a bulk replay names: all, or one user's, or those dead since a time. */
    private record DeadRows(@Nullable UUID user, @Nullable Instant since) {
        @Override
        public String toString() {
            return "state=" + OutboxState.DEAD.wire() + (user == null ? "" : " userId=" + user)
                    + (since == null ? "" : " since=" + since);
        }
    }

    private static DeadRows deadRows(OutboxViews.ReplayAllRequest request) {
        if (request.state() != null && !OutboxState.DEAD.wire().equals(request.state())) {
            throw invalid("state", "only dead rows are replayed in bulk");
        }
        return new DeadRows(request.userId() == null ? null : UserIds.given("userId", request.userId()),
                request.since() == null ? null : instant("since", request.since()));
    }

    private static String encodeCursor(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("id:" + id).getBytes(StandardCharsets.UTF_8));
    }

    private static long decodeCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!decoded.startsWith("id:")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(decoded.substring(3));
        } catch (IllegalArgumentException e) {
            throw invalid("cursor", "is not a cursor this service gave out");
        }
    }

    private static Instant instant(String field, String value) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(field, "must be an ISO-8601 date-time with offset");
        }
        // Within what PostgreSQL's timestamptz holds, so that an odd year is a 400 and not a failed query.
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw invalid(field, "must be between the years 1 and 9999");
        }
        return instant;
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.validation(List.of(new Problem.FieldError(field, message)));
    }

    private static ProblemException notFound(long id) {
        return new ProblemException(HttpStatus.NOT_FOUND, ProblemCodes.NOT_FOUND, "No such outbox row",
                "There is no outbox row " + id + ".");
    }
}
