package io.plansync.support.keys;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every replica, every {@code plansync.signing-keys.refresh-interval}: the next key when due, and a reload. */
@Singleton
@Requires(beans = SigningKeyRotation.class)
public class SigningKeySchedule {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeySchedule.class);

    private final SigningKeyRotation rotation;

    public SigningKeySchedule(SigningKeyRotation rotation) {
        this.rotation = rotation;
    }

    @Scheduled(fixedDelay = "${plansync.signing-keys.refresh-interval:10s}",
            initialDelay = "${plansync.signing-keys.refresh-interval:10s}")
    void tick() {
        try {
            rotation.tick();
        } catch (RuntimeException e) {
            LOG.warn("Signing keys not refreshed ({}); the keys in use stay, next try in a moment",
                    e.getClass().getSimpleName());
        }
    }
}
