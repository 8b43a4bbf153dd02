package io.plansync.support.keys;

import io.micronaut.core.annotation.Nullable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
                "select kid, private_key_pem, private_key_encrypted from signing_keys order by created_at desc, kid");
             ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.add(new Row(result.getString(1), result.getString(2), result.getBytes(3)));
            }
        }
        return rows;
    }

    void insertEncrypted(String kid, byte[] encrypted) throws SQLException {
        insert(kid, null, encrypted);
    }

    void insertPlaintext(String kid, String pem) throws SQLException {
        insert(kid, pem, null);
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

    private void insert(String kid, @Nullable String pem, byte @Nullable [] encrypted) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into signing_keys (kid, private_key_pem, private_key_encrypted) values (?, ?, ?)")) {
            insert.setString(1, kid);
            insert.setString(2, pem);
            insert.setBytes(3, encrypted);
            insert.executeUpdate();
        }
    }

    /** One stored key: exactly one of {@code pem} (plaintext) and {@code encrypted} is set. */
    record Row(String kid, @Nullable String pem, byte @Nullable [] encrypted) {
        @Override
        public String toString() {
            return "Row[kid=" + kid + ", " + (pem != null ? "plaintext" : "encrypted") + "=***]";
        }
    }
}
