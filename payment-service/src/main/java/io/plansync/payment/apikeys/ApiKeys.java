package io.plansync.payment.apikeys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.plansync.support.sql.SqlArrays;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Every SQL statement about API keys. Secrets never reach this class, only their hashes. */
@Singleton
public class ApiKeys {
    private static final String COLUMNS = "id, name, mode, secret_hash, scopes, requests_per_minute, created_at, "
            + "created_by, last_used_at, expires_at, revoked_at, revoked_by, rotated_from";

    private final DataSource dataSource;

    public ApiKeys(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    void insert(String id, String name, ApiKeyFormat.Mode mode, byte[] secretHash, List<String> scopes,
                int requestsPerMinute, String createdBy, @Nullable String rotatedFrom) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("insert into api_keys "
                + "(id, name, mode, secret_hash, scopes, requests_per_minute, created_by, rotated_from) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, name);
            s.setString(3, mode.wire());
            s.setBytes(4, secretHash);
            s.setArray(5, SqlArrays.texts(c, scopes));
            s.setInt(6, requestsPerMinute);
            s.setString(7, createdBy);
            s.setString(8, rotatedFrom);
            s.executeUpdate();
        }
    }

    public Optional<ApiKey> find(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select " + COLUMNS + " from api_keys where id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    /** Every key, newest first (revoked and expired ones too, for the audit of who had access when). */
    List<ApiKey> all() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select " + COLUMNS + " from api_keys order by created_at desc, id")) {
            try (ResultSet r = s.executeQuery()) {
                List<ApiKey> keys = new ArrayList<>();
                while (r.next()) {
                    keys.add(row(r));
                }
                return keys;
            }
        }
    }

    /** @return whether it was active (a second revoke changes nothing) */
    boolean revoke(String id, String by) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "update api_keys set revoked_at = now(), revoked_by = ? where id = ? and revoked_at is null")) {
            s.setString(1, by);
            s.setString(2, id);
            return s.executeUpdate() == 1;
        }
    }

    /** Ends a key's life at {@code at} (a rotation's overlap), unless it already ends sooner. */
    void expireAt(String id, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "update api_keys set expires_at = ? where id = ? and (expires_at is null or expires_at > ?)")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setString(2, id);
            s.setTimestamp(3, Timestamp.from(at));
            s.executeUpdate();
        }
    }

    /** Records a use, at most once a minute per key, so that a busy key does not write on every request. */
    void touch(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "update api_keys set last_used_at = now() where id = ? "
                        + "and (last_used_at is null or last_used_at < now() - interval '1 minute')")) {
            s.setString(1, id);
            s.executeUpdate();
        }
    }

    private static ApiKey row(ResultSet r) throws SQLException {
        return new ApiKey(r.getString(1), r.getString(2), r.getString(3), r.getBytes(4),
                Arrays.asList((String[]) r.getArray(5).getArray()), r.getInt(6), r.getTimestamp(7).toInstant(),
                r.getString(8), instant(r.getTimestamp(9)), instant(r.getTimestamp(10)), instant(r.getTimestamp(11)),
                r.getString(12), r.getString(13));
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
