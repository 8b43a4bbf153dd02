package io.plansync.support.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The key-encryption key (KEK) that protects generated signing keys at rest: Tink AEAD, AES256-GCM, with associated
 * data naming the service and the key id, so a ciphertext copied to another row or another service's database does
 * not decrypt. Configured as base64 of 32 random bytes ({@code openssl rand -base64 32}); several, comma separated,
 * during a KEK rotation: the first encrypts, every one decrypts.
 */
public final class KeyEncryption {
    public static final String SETTING = "PLANSYNC_KEY_ENCRYPTION_KEY";
    private static final int KEY_BYTES = 32;

    private final Aead current;
    private final List<Aead> older;

    private KeyEncryption(Aead current, List<Aead> older) {
        this.current = current;
        this.older = older;
    }

    /**
     * @param configured comma-separated base64 KEKs, current first
     * @throws PemKeys.InvalidKeyConfiguration naming the setting, never the value
     */
    public static KeyEncryption parse(String configured) {
        List<Aead> keys = new ArrayList<>();
        for (String part : configured.split(",")) {
            if (!part.isBlank()) {
                keys.add(aead(decode(part.trim())));
            }
        }
        if (keys.isEmpty()) {
            throw new PemKeys.InvalidKeyConfiguration(SETTING + " is empty");
        }
        return new KeyEncryption(keys.getFirst(), List.copyOf(keys.subList(1, keys.size())));
    }

    /** What a signing key's ciphertext is bound to: this service's key with this kid, nothing else. */
    public static byte[] associatedData(String service, String kid) {
        return ("plansync signing key/" + service + "/" + kid).getBytes(StandardCharsets.UTF_8);
    }

    public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
        try {
            return current.encrypt(plaintext, associatedData);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt with " + SETTING, e);
        }
    }

    /**
     * @throws GeneralSecurityException when no configured KEK decrypts it (another KEK, another row or service, or
     *                                  an altered ciphertext)
     */
    public Decrypted decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        try {
            return new Decrypted(current.decrypt(ciphertext, associatedData), false);
        } catch (GeneralSecurityException notCurrent) {
            for (Aead key : older) {
                try {
                    return new Decrypted(key.decrypt(ciphertext, associatedData), true);
                } catch (GeneralSecurityException notThisOne) {
                    // try the next
                }
            }
            throw notCurrent;
        }
    }

    /** A decrypted secret, and whether an older KEK encrypted it (then it is encrypted again with the current). */
    public record Decrypted(byte[] plaintext, boolean underOlderKey) {
        @Override
        public String toString() {
            return "Decrypted[plaintext=***, underOlderKey=" + underOlderKey + "]";
        }
    }

    private static byte[] decode(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new PemKeys.InvalidKeyConfiguration(SETTING + " must be base64 (openssl rand -base64 32)");
        }
        if (bytes.length != KEY_BYTES) {
            throw new PemKeys.InvalidKeyConfiguration(SETTING + " must be base64 of exactly " + KEY_BYTES
                    + " random bytes (openssl rand -base64 32)");
        }
        return bytes;
    }

    private static Aead aead(byte[] keyBytes) {
        try {
            AesGcmKey key = AesGcmKey.builder()
                    .setParameters(AesGcmParameters.builder()
                            .setKeySizeBytes(KEY_BYTES)
                            .setIvSizeBytes(12)
                            .setTagSizeBytes(16)
                            // The raw key has no Tink key id; the ciphertext carries no prefix.
                            .setVariant(AesGcmParameters.Variant.NO_PREFIX)
                            .build())
                    .setKeyBytes(SecretBytes.copyFrom(keyBytes, InsecureSecretKeyAccess.get()))
                    .build();
            // The primitive made from the key itself, not through a keyset and Tink's registry: the same AES-GCM and
            // the same bytes (iv, ciphertext, tag), without registering every AEAD key type (about 450 classes,
            // protobuf's among them, loaded at each start).
            return AesGcmJce.create(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an AES256-GCM key of " + SETTING, e);
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
        }
    }
}
