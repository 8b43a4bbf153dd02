package io.plansync.support.keys;

import io.micronaut.core.annotation.Nullable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** All SQL of the {@code signing_keys} table: generated signing keys, encrypted (or, from older versions, not). */
final class StoredSigningKeys {
    private final Connection connection;

    StoredSigningKeys(Connection connection) {
        this.connection = connection;
    }

    /** Replicas starting together must agree on one key and encrypt each row once: serialise until commit. */
    void lock() throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "select pg_advisory_xact_lock(hashtext('plansync.signing_keys'))")) {
            lock.execute();
        }
    }

    List<Row> newestFirst() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "select kid, private_key_pem, private_key_encrypted, publish_at, activate_at, retire_at "
                        + "from signing_keys order by created_at desc, kid");
             ResultSet result = select.executeQuery()) {
            while (result.next()) {
                Timestamp retire = result.getTimestamp(6);
                rows.add(new Row(result.getString(1), result.getString(2), result.getBytes(3),
                        new SigningKeyRules.Schedule(result.getString(1), result.getTimestamp(4).toInstant(),
                                result.getTimestamp(5).toInstant(), retire == null ? null : retire.toInstant())));
            }
        }
        return rows;
    }

    void insertEncrypted(String kid, byte[] encrypted, Instant publishAt, Instant activateAt) throws SQLException {
        insert(kid, null, encrypted, publishAt, activateAt);
    }

    void insertPlaintext(String kid, String pem, Instant publishAt, Instant activateAt) throws SQLException {
        insert(kid, pem, null, publishAt, activateAt);
    }

    /** Every key but {@code kept} is retired at {@code at}, or earlier if it already was to be. */
    void retireAllBut(String kept, Instant at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update signing_keys set retire_at = "
                + "least(coalesce(retire_at, ?), ?) where kid <> ?")) {
            update.setTimestamp(1, Timestamp.from(at));
            update.setTimestamp(2, Timestamp.from(at));
            update.setString(3, kept);
            update.executeUpdate();
        }
    }

    /** Replaces the row's key with this ciphertext; no plaintext remains in the row. */
    void replaceWithEncrypted(String kid, byte[] encrypted) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "update signing_keys set private_key_encrypted = ?, private_key_pem = null where kid = ?")) {
            update.setBytes(1, encrypted);
            update.setString(2, kid);
            update.executeUpdate();
        }
    }

    private void insert(String kid, @Nullable String pem, byte @Nullable [] encrypted, Instant publishAt,
                        Instant activateAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into signing_keys "
                + "(kid, private_key_pem, private_key_encrypted, publish_at, activate_at) values (?, ?, ?, ?, ?)")) {
            insert.setString(1, kid);
            insert.setString(2, pem);
            insert.setBytes(3, encrypted);
            insert.setTimestamp(4, Timestamp.from(publishAt));
            insert.setTimestamp(5, Timestamp.from(activateAt));
            insert.executeUpdate();
        }
    }

    /** One stored key: exactly one of {@code pem} (plaintext) and {@code encrypted} is set. */
    record Row(String kid, @Nullable String pem, byte @Nullable [] encrypted, SigningKeyRules.Schedule schedule) {
        @Override
        public String toString() {
            return "Row[kid=" + kid + ", " + (pem != null ? "plaintext" : "encrypted") + "=***]";
        }
    }
}
