package io.plansync.support.keys;

import com.nimbusds.jose.jwk.ECKey;
import io.micronaut.core.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link KeyRing} from configured PEM keys, or, when none is configured, from a key generated once and kept
 * in the service's {@code signing_keys} table so that restarts and replicas sign with the same key.
 *
 * <p>A generated key is stored encrypted with the key-encryption key ({@link KeyEncryption}); without one only in
 * development, in plaintext, and elsewhere not at all: the service refuses to start ({@link KeyProtection}). With a
 * key-encryption key, every start encrypts rows older versions left in plaintext, and rows encrypted under an older
 * key-encryption key (a KEK rotation) again under the current one.
 */
public final class KeyRingLoader {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRingLoader.class);

    private KeyRingLoader() {
    }

    /**
     * @param service       names the service in the ciphertext's associated data, e.g. "identity-service"
     * @param settingName   the signing-key setting, for messages, e.g. "IDENTITY_TOKEN_SIGNING_KEY"
     * @param configuredPem current key first, then older keys still to publish; blank means "generate and persist"
     * @param previousPem   optional older keys still to publish (rotation overlap)
     * @param connection    inside a transaction the caller commits
     */
    public static KeyRing load(String service, String settingName, @Nullable String configuredPem,
                               @Nullable String previousPem, KeyProtection protection, Connection connection) {
        List<ECKey> previous = new ArrayList<>();
        if (previousPem != null && !previousPem.isBlank()) {
            previous.addAll(parse(previousPem, settingName + "_PREVIOUS"));
        }
        boolean configured = configuredPem != null && !configuredPem.isBlank();
        List<ECKey> configuredKeys = configured ? parse(configuredPem, settingName) : List.of();
        if (!configured) {
            protection.requireGeneratedKeysAllowed(settingName);
        }
        ECKey stored;
        try {
            stored = protectStoredKeys(service, protection, configured, new StoredSigningKeys(connection));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the stored signing key", e);
        }
        if (configured) {
            previous.addAll(configuredKeys.subList(1, configuredKeys.size()));
            return new KeyRing(configuredKeys.getFirst(), previous);
        }
        return new KeyRing(stored, previous);
    }

    /**
     * Brings every stored row under the current key-encryption key (when there is one) and returns the newest
     * stored key, generating and storing one if none is stored and none is configured (else null).
     */
    private static @Nullable ECKey protectStoredKeys(String service, KeyProtection protection, boolean configured,
                                                     StoredSigningKeys store) throws SQLException {
        store.lock();
        KeyEncryption kek = protection.encryption();
        ECKey newest = null;
        int plaintextLeft = 0;
        for (StoredSigningKeys.Row row : store.newestFirst()) {
            byte[] associatedData = KeyEncryption.associatedData(service, row.kid());
            String pem;
            if (row.pem() != null) {
                pem = row.pem();
                if (kek != null) {
                    store.replaceWithEncrypted(row.kid(), kek.encrypt(bytes(pem), associatedData));
                    LOG.info("Encrypted the stored signing key {} with {} (it was stored in plaintext, by an older "
                            + "version or in development)", row.kid(), KeyEncryption.SETTING);
                } else {
                    plaintextLeft++;
                }
            } else if (kek == null) {
                if (configured) {
                    continue;
                }
                throw new PemKeys.InvalidKeyConfiguration("The stored signing key " + row.kid() + " is encrypted: "
                        + "set " + KeyEncryption.SETTING + " to the key-encryption key it was stored with.");
            } else {
                KeyEncryption.Decrypted decrypted;
                try {
                    decrypted = kek.decrypt(row.encrypted(), associatedData);
                } catch (GeneralSecurityException e) {
                    String problem = "The stored signing key " + row.kid() + " cannot be decrypted with "
                            + KeyEncryption.SETTING + " (another key-encryption key, or the row was altered)";
                    if (configured) {
                        LOG.warn("{}; it is not used while a signing key is configured.", problem);
                        continue;
                    }
                    throw new PemKeys.InvalidKeyConfiguration(problem + ". Set " + KeyEncryption.SETTING
                            + " to the key it was stored with (during a rotation: new,old).");
                }
                pem = new String(decrypted.plaintext(), StandardCharsets.UTF_8);
                if (decrypted.underOlderKey()) {
                    store.replaceWithEncrypted(row.kid(), kek.encrypt(decrypted.plaintext(), associatedData));
                    LOG.info("Encrypted the stored signing key {} again with the current {}", row.kid(),
                            KeyEncryption.SETTING);
                }
            }
            if (newest == null) {
                newest = PemKeys.parseAll(pem).getFirst();
            }
        }
        if (plaintextLeft > 0 && !protection.development()) {
            LOG.warn("{} signing key(s) in signing_keys are stored in plaintext (written by an older version). Set {} "
                    + "to encrypt them on the next start, or delete them.", plaintextLeft, KeyEncryption.SETTING);
        }
        if (newest != null || configured) {
            return newest;
        }
        return generateAndStore(service, kek, store);
    }

    private static ECKey generateAndStore(String service, @Nullable KeyEncryption kek, StoredSigningKeys store)
            throws SQLException {
        ECKey key = PemKeys.generate();
        String pem = PemKeys.toPem(key);
        if (kek != null) {
            store.insertEncrypted(key.getKeyID(),
                    kek.encrypt(bytes(pem), KeyEncryption.associatedData(service, key.getKeyID())));
            LOG.info("No signing key configured: generated one (kid {}) and stored it in the database, encrypted "
                    + "with {}.", key.getKeyID(), KeyEncryption.SETTING);
        } else {
            store.insertPlaintext(key.getKeyID(), pem);
            LOG.warn("No signing key configured: generated one (kid {}) and stored it in the database IN PLAINTEXT, "
                    + "as only development allows. Set {} or a signing key anywhere else.", key.getKeyID(),
                    KeyEncryption.SETTING);
        }
        return key;
    }

    private static List<ECKey> parse(String pem, String settingName) {
        try {
            return PemKeys.parseAll(pem);
        } catch (PemKeys.InvalidKeyConfiguration e) {
            throw new PemKeys.InvalidKeyConfiguration(settingName + ": " + e.getMessage());
        }
    }

    private static byte[] bytes(String pem) {
        return pem.getBytes(StandardCharsets.UTF_8);
    }
}
