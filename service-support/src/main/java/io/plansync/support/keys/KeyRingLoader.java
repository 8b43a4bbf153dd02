package io.plansync.support.keys;

import com.nimbusds.jose.jwk.ECKey;
import io.micronaut.core.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
        List<StoredKey> stored;
        try {
            stored = protectStoredKeys(service, protection, configured, new StoredSigningKeys(connection));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the stored signing key", e);
        }
        if (configured) {
            previous.addAll(configuredKeys.subList(1, configuredKeys.size()));
            return new KeyRing(configuredKeys.getFirst(), previous);
        }
        KeyRing ring = ringOf(stored, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), previous);
        if (ring == null) {
            throw new PemKeys.InvalidKeyConfiguration("No stored signing key is current (every one is retired or "
                    + "not yet due); the next rotation makes one.");
        }
        return ring;
    }

    /** A stored key, decrypted, with its schedule. */
    record StoredKey(ECKey key, SigningKeyRules.Schedule schedule) {
    }

    /**
     * The ring the stored keys make at {@code now}: the current key signs, every published key verifies, retired
     * kids are known as such; null when none is current. {@code extra} are configured previous keys, published too.
     */
    static KeyRing ringOf(List<StoredKey> stored, Instant now, List<ECKey> extra) {
        List<SigningKeyRules.Schedule> schedules = stored.stream().map(StoredKey::schedule).toList();
        String current = SigningKeyRules.current(schedules, now).map(SigningKeyRules.Schedule::kid).orElse(null);
        if (current == null) {
            return null;
        }
        List<ECKey> published = new ArrayList<>(extra);
        Set<String> retired = new HashSet<>();
        ECKey signing = null;
        for (StoredKey key : stored) {
            if (key.schedule().kid().equals(current)) {
                signing = key.key();
            } else if (SigningKeyRules.published(key.schedule(), now)) {
                published.add(key.key());
            } else if (SigningKeyRules.retired(key.schedule(), now)) {
                retired.add(key.schedule().kid());
            }
        }
        return new KeyRing(signing, published, retired, true, extra);
    }

    /** Every stored key, decrypted (rows that cannot be are left out and logged), newest first. */
    static List<StoredKey> decryptAll(String service, KeyProtection protection, StoredSigningKeys store)
            throws SQLException {
        KeyEncryption kek = protection.encryption();
        List<StoredKey> keys = new ArrayList<>();
        for (StoredSigningKeys.Row row : store.newestFirst()) {
            String pem = row.pem();
            if (pem == null && kek != null) {
                try {
                    pem = new String(kek.decrypt(row.encrypted(), KeyEncryption.associatedData(service, row.kid()))
                            .plaintext(), StandardCharsets.UTF_8);
                } catch (GeneralSecurityException e) {
                    LOG.warn("The stored signing key {} cannot be decrypted; it is left out", row.kid());
                }
            }
            if (pem != null) {
                keys.add(new StoredKey(PemKeys.parseAll(pem).getFirst(), row.schedule()));
            }
        }
        return keys;
    }

    /** Generates a key and stores it (encrypted when there is a key-encryption key) with its schedule. */
    static ECKey generateAndStore(String service, KeyProtection protection, StoredSigningKeys store,
                                  Instant publishAt, Instant activateAt) throws SQLException {
        ECKey key = PemKeys.generate();
        String pem = PemKeys.toPem(key);
        KeyEncryption kek = protection.encryption();
        if (kek != null) {
            store.insertEncrypted(key.getKeyID(),
                    kek.encrypt(bytes(pem), KeyEncryption.associatedData(service, key.getKeyID())), publishAt,
                    activateAt);
        } else {
            store.insertPlaintext(key.getKeyID(), pem, publishAt, activateAt);
        }
        return key;
    }

    /**
     * Brings every stored row under the current key-encryption key (when there is one) and returns the stored keys,
     * newest first, generating and storing one if none is current and none is configured.
     */
    private static List<StoredKey> protectStoredKeys(String service, KeyProtection protection, boolean configured,
                                                     StoredSigningKeys store) throws SQLException {
        store.lock();
        KeyEncryption kek = protection.encryption();
        List<StoredKey> stored = new ArrayList<>();
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
            stored.add(new StoredKey(PemKeys.parseAll(pem).getFirst(), row.schedule()));
        }
        if (plaintextLeft > 0 && !protection.development()) {
            LOG.warn("{} signing key(s) in signing_keys are stored in plaintext (written by an older version). Set {} "
                    + "to encrypt them on the next start, or delete them.", plaintextLeft, KeyEncryption.SETTING);
        }
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        if (configured || SigningKeyRules.current(stored.stream().map(StoredKey::schedule).toList(), now)
                .isPresent()) {
            return stored;
        }
        ECKey key = generateAndStore(service, protection, store, now, now);
        store.retireAllBut(key.getKeyID(), now);
        if (kek != null) {
            LOG.info("No signing key configured: generated one (kid {}) and stored it in the database, encrypted "
                    + "with {}.", key.getKeyID(), KeyEncryption.SETTING);
        } else {
            LOG.warn("No signing key configured: generated one (kid {}) and stored it in the database IN PLAINTEXT, "
                    + "as only development allows. Set {} or a signing key anywhere else.", key.getKeyID(),
                    KeyEncryption.SETTING);
        }
        return decryptAll(service, protection, store);
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
