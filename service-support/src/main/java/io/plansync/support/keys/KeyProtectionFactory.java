package io.plansync.support.keys;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

/** The {@link KeyProtection} of this service, from {@code plansync.signing-keys.*} and the active environments. */
@Factory
public class KeyProtectionFactory {

    @Singleton
    KeyProtection keyProtection(Settings settings, Environment environment) {
        String kek = settings.keyEncryptionKey();
        return new KeyProtection(kek == null || kek.isBlank() ? null : KeyEncryption.parse(kek),
                KeyProtection.isDevelopment(environment.getActiveNames()));
    }

    /** plansync.signing-keys.key-encryption-key: PLANSYNC_KEY_ENCRYPTION_KEY. */
    @ConfigurationProperties("plansync.signing-keys")
    public record Settings(@Nullable String keyEncryptionKey) {
        @Override
        public String toString() {
            return "Settings[keyEncryptionKey=***]";
        }
    }
}
