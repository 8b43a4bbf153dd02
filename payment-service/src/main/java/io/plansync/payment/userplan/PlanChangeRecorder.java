package io.plansync.payment.userplan;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.payment.outbox.OutboxNotifier;
import io.plansync.support.correlation.CorrelationId;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * After a user's payments changed, works out the plan they have paid for and, if it changed, records it and
 * queues it for identity-service, in the caller's transaction (so both commit with the event, or neither does).
 * The rule itself is {@link UserPlanStatements}.
 */
@Singleton
public class PlanChangeRecorder {
    private final UserPlans userPlans;
    private final OutboxNotifier notifier;
    private final TransactionOperations<Connection> transactions;

    public PlanChangeRecorder(UserPlans userPlans, OutboxNotifier notifier,
                              TransactionOperations<Connection> transactions) {
        this.userPlans = userPlans;
        this.notifier = notifier;
        this.transactions = transactions;
    }

    /** A user's payments changed through this event. */
    public record PaymentsChange(UUID userId, String eventId, Instant eventAt, @Nullable String correlationId) {
    }

    /**
     * Takes the user's plan lock until the transaction ends; {@link #paymentsChanged} needs it held. Waits at most
     * {@code maxWait} (a lock held by a stuck transaction elsewhere must not hold this one forever), then fails.
     */
    public void lock(UUID userId, Duration maxWait) {
        userPlans.limitLockWait(Math.max(1, maxWait.toMillis()) + "ms");
        userPlans.lockUser(userId.toString());
    }

    /**
     * Call with the user's plan lock held ({@link #lock}), after the payment change, in the event's transaction.
     * @return whether the user's plan changed (and so was queued for identity-service)
     */
    public boolean paymentsChanged(UUID userId, String eventId, Instant eventAt) {
        Connection connection = (Connection) transactions.findTransactionStatus()
                .orElseThrow(() -> new IllegalStateException("a plan change needs the event's transaction"))
                .getConnection();
        try (PreparedStatement statement = connection.prepareStatement(UserPlanStatements.RECORD)) {
            UserPlanStatements.bind(statement, 1, List.of(new PaymentsChange(userId, eventId, eventAt,
                    CorrelationId.current().orElse(null))));
            boolean changed;
            try (ResultSet rows = statement.executeQuery()) {
                changed = !UserPlanStatements.changedUsers(rows).isEmpty();
            }
            if (changed) {
                notifier.rowsQueued();
            }
            return changed;
        } catch (SQLException e) {
            throw new DataAccessException("Could not record the plan change", e);
        }
    }
}
