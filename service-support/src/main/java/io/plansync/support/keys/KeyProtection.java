package io.plansync.support.keys;

import io.micronaut.core.annotation.Nullable;

import java.util.Set;

/**
 * How a service may keep the signing keys it generates: encrypted with the key-encryption key when one is configured;
 * in plaintext only in development (Micronaut environment {@code dev} or {@code test}); otherwise not at all, and
 * then the service must be given its signing keys.
 */
public record KeyProtection(@Nullable KeyEncryption encryption, boolean development) {
    static final Set<String> DEVELOPMENT_ENVIRONMENTS = Set.of("dev", "test");

    public static boolean isDevelopment(Set<String> activeEnvironments) {
        return activeEnvironments.stream().anyMatch(DEVELOPMENT_ENVIRONMENTS::contains);
    }

    /** @throws PemKeys.InvalidKeyConfiguration when a generated key could be kept only in plaintext outside development */
    void requireGeneratedKeysAllowed(String signingKeySetting) {
        if (encryption == null && !development) {
            throw new PemKeys.InvalidKeyConfiguration("No signing key configured (" + signingKeySetting + ") and no "
                    + "key-encryption key (" + KeyEncryption.SETTING + "): a generated private key would be stored in "
                    + "plaintext. Set " + signingKeySetting + ", or " + KeyEncryption.SETTING + " (openssl rand "
                    + "-base64 32) to store a generated key encrypted; for local development only, run with "
                    + "MICRONAUT_ENVIRONMENTS=dev.");
        }
    }

    @Override
    public String toString() {
        return "KeyProtection[encryption=" + (encryption == null ? "none" : "***") + ", development=" + development + "]";
    }
}
