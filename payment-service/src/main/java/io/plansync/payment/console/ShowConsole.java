package io.plansync.payment.console;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.OutboxState;
import io.plansync.payment.apikeys.ManageApiKeys;
import io.plansync.payment.auth.UserIds;
import io.plansync.payment.operators.OperatorAudit;
import io.plansync.payment.outbox.OperateOutbox;
import io.plansync.payment.outbox.Outbox;
import io.plansync.payment.reconcile.ReconciliationRuns;
import io.plansync.payment.usersupport.ShowUserAcrossServices;
import io.plansync.support.keys.SigningKeyRotation;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the operator console shows, read through the same use cases as the admin API and the CLI (so the same
 * checks and the same audit): the outbox with its filters, one row's attempt history, a user across the services,
 * the latest reconciliation's drifts, API keys, signing keys and the audit log. A part that cannot be read says why
 * and the rest of the page is still shown.
 */
@Singleton
public class ShowConsole {
    static final int DRIFTS = 50;
    static final int AUDIT_ENTRIES = 50;
    private static final Logger LOG = LoggerFactory.getLogger(ShowConsole.class);

    private final OperateOutbox outbox;
    private final Outbox outboxRows;
    private final ShowUserAcrossServices users;
    private final ReconciliationRuns reconciliations;
    private final ManageApiKeys apiKeys;
    private final SigningKeyRotation signingKeys;
    private final OperatorAudit audit;

    public ShowConsole(OperateOutbox outbox, Outbox outboxRows, ShowUserAcrossServices users,
                       ReconciliationRuns reconciliations, ManageApiKeys apiKeys, SigningKeyRotation signingKeys,
                       OperatorAudit audit) {
        this.outbox = outbox;
        this.outboxRows = outboxRows;
        this.users = users;
        this.reconciliations = reconciliations;
        this.apiKeys = apiKeys;
        this.signingKeys = signingKeys;
        this.audit = audit;
    }

    /** The page's choices, as its query parameters carry them; each may be absent. */
    public record Query(@Nullable String state, @Nullable String userId, @Nullable String cursor,
                        @Nullable String row, @Nullable String user) {
    }

    /** One part of the page: what it shows, or why it cannot. */
    public record Part(@Nullable Object value, @Nullable String error) {
    }

    /** The page's model for {@code operator} (the session's user id, as in the audit). */
    public Map<String, Object> model(String operator, Query query) {
        Map<String, Object> model = new HashMap<>();
        String state = query.state() == null || query.state().isBlank() ? OutboxState.DEAD.wire() : query.state();
        String userFilter = blankToNull(query.userId());
        model.put("states", Arrays.stream(OutboxState.values()).map(OutboxState::wire).toList());
        model.put("state", state);
        model.put("userFilter", userFilter == null ? "" : userFilter);
        model.put("counts", part(() -> outboxRows.countByState().stream()
                .collect(Collectors.toMap(Outbox.StateCount::state, Outbox.StateCount::rows))));
        model.put("outbox", part(() -> outbox.list(operator, state, userFilter, null, blankToNull(query.cursor()))));
        String row = blankToNull(query.row());
        if (row != null) {
            model.put("row", part(() -> outbox.show(operator, rowId(row))));
        }
        String user = blankToNull(query.user());
        model.put("userQuery", user == null ? "" : user);
        if (user != null) {
            model.put("user", part(() -> users.show(operator, UserIds.given("user", user))));
        }
        model.put("reconciliation", part(() -> sql(() -> reconciliations.latest().map(run -> Map.of("run", run,
                "drifts", sql(() -> reconciliations.drifts(run.id(), 0, DRIFTS))))
                .orElse(null))));
        model.put("apiKeys", part(apiKeys::list));
        model.put("signingKeys", part(signingKeys::list));
        model.put("audit", part(() -> audit.latest(AUDIT_ENTRIES)));
        return model;
    }

    private static Part part(Supplier<?> read) {
        try {
            return new Part(read.get(), null);
        } catch (ProblemException e) {
            return new Part(null, e.getMessage() + e.toProblem().errors().stream()
                    .map(f -> " " + f.field() + " " + f.message()).collect(Collectors.joining(";")));
        } catch (RuntimeException e) {
            // The database or a service is away: this part says so, the rest of the page is still useful.
            LOG.warn("A part of the operator console could not be read: {}", e.getClass().getSimpleName());
            return new Part(null, "Could not be read just now; reload in a moment.");
        }
    }

    private interface SqlRead<T> {
        T read() throws SQLException;
    }

    private static <T> T sql(SqlRead<T> read) {
        try {
            return read.read();
        } catch (SQLException e) {
            throw ProblemException.unavailable("The database did not answer; reload in a moment.");
        }
    }

    private static long rowId(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ProblemException.validation(List.of(new Problem.FieldError("row", "must be an outbox row id")));
        }
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
