package io.plansync.support.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key-encryption key's ciphertexts: bound to their service and kid, readable under an older KEK during a
 * rotation, and the same bytes that the keyset-based Tink primitive of earlier versions wrote and read, so that rows
 * already stored keep decrypting.
 */
class KeyEncryptionTest {
    private static final byte[] SECRET = "-----BEGIN PRIVATE KEY-----\nsecret\n".getBytes(StandardCharsets.UTF_8);

    private final byte[] kek = randomKey();
    private final String configured = Base64.getEncoder().encodeToString(kek);

    @Test
    void aCiphertextOfTheEarlierKeysetPrimitiveDecrypts() throws GeneralSecurityException {
        byte[] associated = KeyEncryption.associatedData("payment-service", "kid-1");
        byte[] stored = keysetPrimitive(kek).encrypt(SECRET, associated);

        KeyEncryption.Decrypted decrypted = KeyEncryption.parse(configured).decrypt(stored, associated);

        assertThat(decrypted.plaintext()).isEqualTo(SECRET);
        assertThat(decrypted.underOlderKey()).isFalse();
    }

    @Test
    void theEarlierKeysetPrimitiveDecryptsWhatIsWrittenNow() throws GeneralSecurityException {
        byte[] associated = KeyEncryption.associatedData("identity-service", "kid-2");
        byte[] written = KeyEncryption.parse(configured).encrypt(SECRET, associated);

        assertThat(keysetPrimitive(kek).decrypt(written, associated)).isEqualTo(SECRET);
        // A random 12-byte IV, the ciphertext, a 16-byte tag; no Tink key-id prefix.
        assertThat(written).hasSize(12 + SECRET.length + 16);
    }

    @Test
    void aCiphertextIsBoundToItsServiceAndKid() {
        KeyEncryption encryption = KeyEncryption.parse(configured);
        byte[] written = encryption.encrypt(SECRET, KeyEncryption.associatedData("identity-service", "kid-1"));

        assertThatThrownBy(() -> encryption.decrypt(written, KeyEncryption.associatedData("payment-service", "kid-1")))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> encryption.decrypt(written, KeyEncryption.associatedData("identity-service", "kid-2")))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void duringARotationTheOlderKeyStillDecryptsAndSaysSo() throws GeneralSecurityException {
        byte[] associated = KeyEncryption.associatedData("payment-service", "kid-1");
        byte[] underOld = KeyEncryption.parse(configured).encrypt(SECRET, associated);
        String newer = Base64.getEncoder().encodeToString(randomKey());

        KeyEncryption.Decrypted decrypted = KeyEncryption.parse(newer + ", " + configured).decrypt(underOld, associated);

        assertThat(decrypted.plaintext()).isEqualTo(SECRET);
        assertThat(decrypted.underOlderKey()).isTrue();
        assertThatThrownBy(() -> KeyEncryption.parse(newer).decrypt(underOld, associated))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aKeyOfTheWrongSizeIsRefusedWithoutShowingIt() {
        String tooShort = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> KeyEncryption.parse(tooShort))
                .isInstanceOf(PemKeys.InvalidKeyConfiguration.class)
                .hasMessageContaining(KeyEncryption.SETTING)
                .hasMessageNotContaining(tooShort);
    }

    /** How KeyEncryption made its primitive before: a one-key keyset, through Tink's registry. */
    private static Aead keysetPrimitive(byte[] keyBytes) throws GeneralSecurityException {
        AeadConfig.register();
        AesGcmKey key = AesGcmKey.builder()
                .setParameters(AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12).setTagSizeBytes(16)
                        .setVariant(AesGcmParameters.Variant.NO_PREFIX).build())
                .setKeyBytes(SecretBytes.copyFrom(keyBytes, InsecureSecretKeyAccess.get()))
                .build();
        return KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(key).withRandomId().makePrimary()).build()
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
