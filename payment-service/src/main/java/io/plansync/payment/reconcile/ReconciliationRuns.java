package io.plansync.payment.reconcile;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Every SQL statement about reconciliation runs and the drifts they found. */
@Singleton
public class ReconciliationRuns {
    /** A running run whose heartbeat is older than this lost its replica. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(2);

    private final DataSource dataSource;

    public ReconciliationRuns(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** One page of a run's drifts, oldest first; {@code next} is the {@code after} of the next page, or null. */
    @Serdeable
    public record DriftPage(List<Drift> drifts, @Nullable Long next) {
    }

    long start(boolean dryRun, String requestedBy) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("insert into reconciliation_runs "
                + "(dry_run, state, phase, requested_by, users_total) values (?, '" + ReconciliationRun.RUNNING
                + "', 'starting', ?, (select count(*) from user_plans)) returning id")) {
            s.setBoolean(1, dryRun);
            s.setString(2, requestedBy);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    void progress(long id, String phase, Tally tally) throws SQLException {
        update(id, phase, tally, null, null);
    }

    void finish(long id, Tally tally, String state, @Nullable String error) throws SQLException {
        update(id, "finished", tally, state, error);
    }

    private void update(long id, String phase, Tally t, @Nullable String state, @Nullable String error)
            throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("update reconciliation_runs set "
                + "phase = ?, checked = ?, drifted = ?, enqueued = ?, failed = ?, subscriptions_checked = ?, "
                + "subscriptions_drifted = ?, stripe_events = ?, stripe_recovered = ?, stripe_failed = ?, "
                + "heartbeat_at = now(), state = coalesce(?, state), error = coalesce(?, error), "
                + "finished_at = case when ? is null then finished_at else now() end where id = ?")) {
            s.setString(1, phase);
            s.setInt(2, t.checked.get());
            s.setInt(3, t.drifted.get());
            s.setInt(4, t.enqueued.get());
            s.setInt(5, t.failed.get());
            s.setInt(6, t.subscriptionsChecked.get());
            s.setInt(7, t.subscriptionsDrifted.get());
            s.setInt(8, t.stripeEventsChecked.get());
            s.setInt(9, t.stripeEventsRecovered.get());
            s.setBoolean(10, t.stripeFailed);
            s.setString(11, state);
            s.setString(12, error);
            s.setString(13, state);
            s.setLong(14, id);
            s.executeUpdate();
        }
    }

    void record(long runId, List<Drift> drifts) throws SQLException {
        if (drifts.isEmpty()) {
            return;
        }
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("insert into reconciliation_drifts "
                + "(run_id, user_id, subscription_id, reason, stripe_side, payment_side, identity_side, repair) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Drift d : drifts) {
                s.setLong(1, runId);
                s.setObject(2, d.userId());
                s.setString(3, d.subscriptionId());
                s.setString(4, d.reason());
                s.setString(5, d.stripeSide());
                s.setString(6, d.paymentSide());
                s.setString(7, d.identitySide());
                s.setString(8, d.repair());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public Optional<ReconciliationRun> find(long id) throws SQLException {
        return one("where id = ?", id);
    }

    public Optional<ReconciliationRun> latest() throws SQLException {
        return one("order by id desc limit 1", null);
    }

    public DriftPage drifts(long runId, long after, int limit) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("select id, user_id, "
                + "subscription_id, reason, stripe_side, payment_side, identity_side, repair from "
                + "reconciliation_drifts where run_id = ? and id > ? order by id limit ?")) {
            s.setLong(1, runId);
            s.setLong(2, after);
            s.setInt(3, limit + 1);
            List<Drift> drifts = new ArrayList<>();
            long last = after;
            Long next = null;
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    if (drifts.size() == limit) {
                        next = last;
                        break;
                    }
                    last = rows.getLong(1);
                    drifts.add(new Drift(rows.getObject(2, UUID.class), rows.getString(3), rows.getString(4),
                            rows.getString(5), rows.getString(6), rows.getString(7), rows.getString(8)));
                }
            }
            return new DriftPage(drifts, next);
        }
    }

    private Optional<ReconciliationRun> one(String where, @Nullable Long id) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("select id, state, phase, dry_run, "
                + "requested_by, started_at, finished_at, users_total, checked, drifted, enqueued, failed, "
                + "subscriptions_checked, subscriptions_drifted, stripe_events, stripe_recovered, stripe_failed, "
                + "error, heartbeat_at < now() - ? * interval '1 second' as silent from reconciliation_runs "
                + where)) {
            s.setLong(1, ABANDONED_AFTER.toSeconds());
            if (id != null) {
                s.setLong(2, id);
            }
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                String state = r.getString(2);
                if (ReconciliationRun.RUNNING.equals(state) && r.getBoolean(19)) {
                    state = ReconciliationRun.ABANDONED;
                }
                Timestamp finished = r.getTimestamp(7);
                return Optional.of(new ReconciliationRun(r.getLong(1), state, r.getString(3), r.getBoolean(4),
                        r.getString(5), r.getTimestamp(6).toInstant().toString(),
                        finished == null ? null : finished.toInstant().toString(), r.getInt(8), r.getInt(9),
                        r.getInt(10), r.getInt(11), r.getInt(12), r.getInt(13), r.getInt(14), r.getInt(15),
                        r.getInt(16), r.getBoolean(17), r.getString(18)));
            }
        }
    }

    private Connection connection() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        return connection;
    }
}
