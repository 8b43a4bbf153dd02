package io.plansync.payment.outbox;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Waits for PostgreSQL notifications on the outbox channel (sent by {@link OutboxNotifier} after rows commit), so the relay
 * delivers at once instead of on its next poll. If listening fails, waiting degrades to plain polling.
 */
final class OutboxWakeups implements AutoCloseable {
    static final String CHANNEL = "plansync_outbox";
    private static final Logger LOG = LoggerFactory.getLogger(OutboxWakeups.class);

    private final DataSource dataSource;
    private Connection connection;

    OutboxWakeups(DataSource dataSource) {
        // The pool itself, not the transaction-aware proxy: this connection lives outside any transaction.
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** Returns when a notification arrives or {@code max} has passed. */
    void await(Duration max) throws InterruptedException {
        long millis = Math.max(1, max.toMillis());
        try {
            PGConnection listener = listener();
            listener.getNotifications((int) Math.min(Integer.MAX_VALUE, millis));
        } catch (SQLException e) {
            LOG.warn("Outbox LISTEN connection failed ({}); polling until it is back", e.getClass().getSimpleName());
            close();
            Thread.sleep(millis);
        }
    }

    private PGConnection listener() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + CHANNEL);
            }
        }
        return connection.unwrap(PGConnection.class);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }
}
