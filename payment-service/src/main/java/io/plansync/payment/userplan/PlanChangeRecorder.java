package io.plansync.payment.userplan;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanStatus;
import io.plansync.payment.outbox.OutboxNotifier;
import io.plansync.support.correlation.CorrelationId;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * After a user's payments changed, works out the plan they have paid for and, if it changed, records it and
 * queues it for identity-service, in the caller's transaction (so both commit with the event, or neither does).
 *
 * <p>The plan is that of the newest succeeded payment not refunded (free if none), whatever order Stripe's events
 * arrive in. The time sent with it is the event's, but always later than the user's previous change, so
 * identity-service (which keeps the newest) ends with this plan even if earlier syncs are delivered after it.
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
     * Call with the user's plan lock held ({@link #lock}, or a statement that took it), after the payment change.
     * @return whether the user's plan changed (and so was queued for identity-service)
     */
    public boolean paymentsChanged(UUID userId, String eventId, Instant eventAt) {
        Connection connection = (Connection) transactions.findTransactionStatus()
                .orElseThrow(() -> new IllegalStateException("a plan change needs the event's transaction"))
                .getConnection();
        try {
            return !paymentsChanged(connection, List.of(new PaymentsChange(userId, eventId, eventAt,
                    CorrelationId.current().orElse(null)))).isEmpty();
        } catch (SQLException e) {
            throw new DataAccessException("Could not record the plan change", e);
        }
    }

    /**
     * {@link #paymentsChanged} for the changes of several users at once (at most one change per user), in two
     * round trips whatever their number. Call with all their locks held.
     * @return the users whose plan changed
     */
    public Set<UUID> paymentsChanged(Connection connection, List<PaymentsChange> changes) throws SQLException {
        Map<UUID, UserPlanStatements.PlanState> states = UserPlanStatements.planStates(connection,
                changes.stream().map(PaymentsChange::userId).toList());
        List<UserPlanStatements.NewPlan> newPlans = changes.stream()
                .map(change -> decide(states.get(change.userId()), change))
                .flatMap(Optional::stream)
                .toList();
        if (!newPlans.isEmpty()) {
            UserPlanStatements.setAndEnqueueAll(connection, newPlans);
            notifier.rowsQueued();
        }
        return newPlans.stream().map(UserPlanStatements.NewPlan::userId).collect(Collectors.toSet());
    }

    /** The rule itself: the standing payment's plan, at a time after the user's previous change; empty if unchanged. */
    static Optional<UserPlanStatements.NewPlan> decide(UserPlanStatements.PlanState state, PaymentsChange change) {
        String plan = state.standingPlan() == null ? Plan.FREE.wire() : state.standingPlan();
        if (state.currentPlan() != null && state.currentPlan().equals(plan)) {
            return Optional.empty();
        }
        Instant at = change.eventAt().truncatedTo(ChronoUnit.MICROS);
        if (state.currentEventAt() != null && !at.isAfter(state.currentEventAt())) {
            at = state.currentEventAt().plus(1, ChronoUnit.MICROS);
        }
        return Optional.of(new UserPlanStatements.NewPlan(change.userId(), plan, PlanStatus.ACTIVE.wire(),
                state.standingPaymentIntentId(), change.eventId(), at, change.correlationId()));
    }
}
