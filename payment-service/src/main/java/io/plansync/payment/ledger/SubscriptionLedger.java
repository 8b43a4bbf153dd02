package io.plansync.payment.ledger;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.plansync.payment.outbox.OutboxNotifier;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The subscription side of the ledger: the queue of subscriptions a webhook asked to read again from Stripe, and
 * the recording of each read (the subscription, the user's plan and the outbox row, in one transaction). The SQL is
 * {@link SubscriptionStatements}; what a subscription grants is decided before it gets here.
 */
@Singleton
public class SubscriptionLedger {
    private final DataSource dataSource;
    private final OutboxNotifier notifier;

    public SubscriptionLedger(DataSource dataSource, OutboxNotifier notifier) {
        // The pool itself: each call is its own short transaction.
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.notifier = notifier;
    }

    /** A subscription taken off the queue for a while, to be read from Stripe. */
    public record Refresh(String subscriptionId, long generation, int attempts) {
    }

    /** Takes due subscriptions for {@code lease} (other workers skip them meanwhile). */
    public List<Refresh> takeDue(int limit, Duration lease) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            return SubscriptionStatements.claimDue(connection, limit, lease).stream()
                    .map(c -> new Refresh(c.subscriptionId(), c.generation(), c.attempts())).toList();
        }
    }

    /**
     * Records what was read for a refresh taken at {@code generation}, and the user's plan that follows from it.
     *
     * @return false if the subscription was asked for again since (nothing recorded; it is due again)
     */
    public boolean record(Refresh refresh, SubscriptionState state) throws SQLException {
        if (!refresh.subscriptionId().equals(state.subscriptionId())) {
            throw new IllegalArgumentException("the state read is not the refresh's subscription");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<Set<UUID>> changed = SubscriptionStatements.record(connection, state,
                        refresh.generation(), "subscription:" + state.subscriptionId() + ":" + UUID.randomUUID());
                connection.commit();
                if (changed.isPresent() && !changed.get().isEmpty()) {
                    notifier.rowsQueued();
                }
                return changed.isPresent();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The read failed: try again at {@code nextAttemptAt}, or keep it as refused for an operator. */
    public void failed(Refresh refresh, String error, Instant nextAttemptAt, boolean refused) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            SubscriptionStatements.failed(connection, refresh.subscriptionId(), refresh.generation(), error,
                    nextAttemptAt, refused);
        }
    }

    /** Asks for these subscriptions to be read from Stripe again, as a webhook about each would. */
    public void requestRefresh(List<String> subscriptionIds) throws SQLException {
        if (subscriptionIds.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            SubscriptionStatements.requestRefresh(connection, subscriptionIds);
        }
    }

    /** [waiting, refused] subscriptions in the queue. */
    public long[] queueSizes() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            return SubscriptionStatements.queueSizes(connection);
        }
    }
}
