package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Every SQL statement about billing sessions. Secrets never reach this class, only their hashes. */
@Singleton
public class BillingSessions {
    private final DataSource dataSource;

    public BillingSessions(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    void create(String idHash, @Nullable UUID userId, String csrfHash, @Nullable String email, Set<String> roles,
                Instant expiresAt, @Nullable String clientAddress) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("insert into billing_sessions "
                + "(id_hash, user_id, csrf_hash, email, expires_at, client_address, roles) "
                + "values (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, idHash);
            s.setObject(2, userId);
            s.setString(3, csrfHash);
            s.setString(4, email);
            s.setTimestamp(5, Timestamp.from(expiresAt));
            s.setString(6, clientAddress);
            s.setArray(7, c.createArrayOf("text", roles.stream().sorted().toArray()));
            s.executeUpdate();
        }
    }

    Optional<BillingSession> find(String idHash) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("select id_hash, user_id, "
                + "csrf_hash, previous_csrf_hash, csrf_rotated_at, created_at, last_seen_at, expires_at, ended_at, "
                + "email, roles from billing_sessions where id_hash = ?")) {
            s.setString(1, idHash);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new BillingSession(r.getString(1), r.getObject(2, UUID.class), r.getString(3),
                        r.getString(4), r.getTimestamp(5).toInstant(), r.getTimestamp(6).toInstant(),
                        r.getTimestamp(7).toInstant(), r.getTimestamp(8).toInstant(), instant(r.getTimestamp(9)),
                        r.getString(10), Set.copyOf(Arrays.asList((String[]) r.getArray(11).getArray()))));
            }
        }
    }

    /** The session was used now (its idle timeout starts again). */
    void touch(String idHash) throws SQLException {
        update("update billing_sessions set last_seen_at = now() where id_hash = ? and ended_at is null", idHash);
    }

    /** A new CSRF token; the current one becomes the previous one, accepted for the overlap. */
    void rotateCsrf(String idHash, String newCsrfHash) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("update billing_sessions set "
                + "previous_csrf_hash = csrf_hash, csrf_hash = ?, csrf_rotated_at = now() "
                + "where id_hash = ? and ended_at is null")) {
            s.setString(1, newCsrfHash);
            s.setString(2, idHash);
            s.executeUpdate();
        }
    }

    /** Ends it now (sign-out, or replaced by a new session at sign-in). */
    void end(String idHash) throws SQLException {
        update("update billing_sessions set ended_at = now() where id_hash = ? and ended_at is null", idHash);
    }

    /** Ends every session of a user (an operator's revoke, a password change elsewhere). @return how many */
    public int endAllOf(UUID userId) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("update billing_sessions set "
                + "ended_at = now() where user_id = ? and ended_at is null")) {
            s.setObject(1, userId);
            return s.executeUpdate();
        }
    }

    /** Removes sessions that ended, or expired, more than a day ago. @return how many */
    public int purgeOld() throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement("delete from billing_sessions "
                + "where coalesce(ended_at, expires_at) < now() - interval '1 day'")) {
            return s.executeUpdate();
        }
    }

    private void update(String sql, String idHash) throws SQLException {
        try (Connection c = connection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, idHash);
            s.executeUpdate();
        }
    }

    private Connection connection() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        return connection;
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
