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

    /**
     * plansync.signing-keys.*: the key-encryption key (PLANSYNC_KEY_ENCRYPTION_KEY), and how generated keys rotate
     * ({@link SigningKeyRotation.Settings}; null: the defaults, 30 days, 10 minutes, and the service's own overlap).
     */
    @ConfigurationProperties("plansync.signing-keys")
    public record Settings(@Nullable String keyEncryptionKey, @Nullable java.time.Duration rotateEvery,
                           @Nullable java.time.Duration publishAhead, @Nullable java.time.Duration overlap) {
        /**
         * The rotation settings; the overlap defaults to, and may not be shorter than, the longest token this
         * service signs plus the clock skew verifiers allow.
         */
        public SigningKeyRotation.Settings rotation(java.time.Duration longestToken) {
            java.time.Duration minimum = longestToken.plusSeconds(io.plansync.contracts.ServiceTokens
                    .CLOCK_SKEW_SECONDS);
            java.time.Duration chosen = overlap == null ? minimum.plusMinutes(1) : overlap;
            if (chosen.compareTo(minimum) < 0) {
                throw new IllegalStateException("plansync.signing-keys.overlap (" + chosen + ") must be at least "
                        + minimum + ": the longest token this service signs, plus the clock skew");
            }
            java.time.Duration every = rotateEvery == null ? java.time.Duration.ofDays(30) : rotateEvery;
            java.time.Duration ahead = publishAhead == null ? java.time.Duration.ofMinutes(10) : publishAhead;
            if (every.compareTo(ahead.plus(chosen)) <= 0) {
                throw new IllegalStateException("plansync.signing-keys.rotate-every (" + every + ") must be longer "
                        + "than publish-ahead plus overlap (" + ahead.plus(chosen) + ")");
            }
            return new SigningKeyRotation.Settings(every, ahead, chosen);
        }

        @Override
        public String toString() {
            return "Settings[keyEncryptionKey=***, rotateEvery=" + rotateEvery + ", publishAhead=" + publishAhead
                    + ", overlap=" + overlap + "]";
        }
    }
}
