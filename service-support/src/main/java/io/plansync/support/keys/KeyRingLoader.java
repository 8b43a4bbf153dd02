package io.plansync.support.keys;

import com.nimbusds.jose.jwk.ECKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link KeyRing} from configured PEM keys, or, when none is configured, from a key generated once and kept
 * in the service's {@code signing_keys} table so that restarts and replicas sign with the same key.
 */
public final class KeyRingLoader {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRingLoader.class);

    private KeyRingLoader() {
    }

    /**
     * @param configuredPem current key first, then older keys still to publish; blank means "generate and persist"
     * @param previousPem   optional older keys still to publish (rotation overlap)
     * @param connection    used only when no key is configured; must be inside a transaction the caller commits
     */
    public static KeyRing load(String configuredPem, String previousPem, Connection connection,
                               String settingName) {
        List<ECKey> previous = new ArrayList<>();
        if (previousPem != null && !previousPem.isBlank()) {
            previous.addAll(parse(previousPem, settingName + "_PREVIOUS"));
        }
        if (configuredPem != null && !configuredPem.isBlank()) {
            List<ECKey> configured = parse(configuredPem, settingName);
            previous.addAll(configured.subList(1, configured.size()));
            return new KeyRing(configured.getFirst(), previous);
        }
        return new KeyRing(persistedKey(connection), previous);
    }

    private static List<ECKey> parse(String pem, String settingName) {
        try {
            return PemKeys.parseAll(pem);
        } catch (PemKeys.InvalidKeyConfiguration e) {
            throw new PemKeys.InvalidKeyConfiguration(settingName + ": " + e.getMessage());
        }
    }

    private static ECKey persistedKey(Connection connection) {
        try {
            // Replicas starting together must agree on one key: serialise the check-then-insert.
            try (PreparedStatement lock = connection.prepareStatement(
                    "select pg_advisory_xact_lock(hashtext('plansync.signing_keys'))")) {
                lock.execute();
            }
            ECKey key = newestStored(connection);
            if (key == null) {
                key = PemKeys.generate();
                try (PreparedStatement insert = connection.prepareStatement(
                        "insert into signing_keys (kid, private_key_pem) values (?, ?)")) {
                    insert.setString(1, key.getKeyID());
                    insert.setString(2, PemKeys.toPem(key));
                    insert.executeUpdate();
                }
                LOG.warn("No signing key configured: generated one (kid {}) and stored it in the database. "
                        + "Configure a key in production.", key.getKeyID());
            }
            return key;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the stored signing key", e);
        }
    }

    private static ECKey newestStored(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select private_key_pem from signing_keys order by created_at desc limit 1");
             ResultSet rows = select.executeQuery()) {
            return rows.next() ? PemKeys.parseAll(rows.getString(1)).getFirst() : null;
        }
    }
}
