package io.plansync.support.keys;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;

/**
 * plansync_signing_key_verifications_total{kid, key}: every token checked against a service's own keys, by the key
 * it names and what that key is now (current, previous, retired, unknown). A token naming a retired key is also
 * logged: a leaked key, or a client holding a token far past its life.
 */
public final class SigningKeyMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyMetrics.class);

    private SigningKeyMetrics() {
    }

    public static BiConsumer<String, String> counting(MeterRegistry metrics) {
        return (kid, role) -> {
            if (KeyRing.RETIRED.equals(role)) {
                LOG.warn("A token signed by the retired key {} was refused (a leaked key, or a token kept far past its "
                        + "life)", kid);
            }
            // An unknown kid can be anything a client made up: not a label.
            metrics.counter("plansync.signing.key.verifications", "kid", KeyRing.UNKNOWN.equals(role) ? "unknown"
                    : kid, "key", role).increment();
        };
    }
}
