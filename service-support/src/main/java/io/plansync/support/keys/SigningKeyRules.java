package io.plansync.support.keys;

import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When a generated signing key is published, signs, and is refused, as plain functions of its schedule and the time.
 * A new key is published {@code publishAhead} before it signs, so every verifier can have it before it sees a token
 * of it; the key it replaces stays published for {@code overlap} after that (longer than any token it signed lives),
 * then is retired: no longer published, and a token it signed is refused.
 */
public final class SigningKeyRules {
    private SigningKeyRules() {
    }

    /** One stored key's schedule. */
    public record Schedule(String kid, Instant publishAt, Instant activateAt, @Nullable Instant retireAt) {
    }

    /** What a key is at a moment. */
    public enum State {
        /** published, not signing yet */
        PENDING,
        /** signing */
        CURRENT,
        /** replaced, published until its tokens have expired */
        PREVIOUS,
        /** no longer published; its tokens are refused */
        RETIRED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static boolean retired(Schedule key, Instant now) {
        return key.retireAt() != null && !now.isBefore(key.retireAt());
    }

    public static boolean published(Schedule key, Instant now) {
        return !now.isBefore(key.publishAt()) && !retired(key, now);
    }

    /** The key that signs now: of the published keys whose time to sign has come, the one that came last. */
    public static Optional<Schedule> current(List<Schedule> keys, Instant now) {
        return keys.stream().filter(k -> published(k, now) && !now.isBefore(k.activateAt()))
                .max(Comparator.comparing(Schedule::activateAt).thenComparing(Schedule::kid));
    }

    public static State stateOf(Schedule key, List<Schedule> keys, Instant now) {
        if (retired(key, now)) {
            return State.RETIRED;
        }
        if (now.isBefore(key.activateAt())) {
            return State.PENDING;
        }
        return current(keys, now).map(Schedule::kid).filter(key.kid()::equals).isPresent() ? State.CURRENT
                : State.PREVIOUS;
    }

    /**
     * Whether the next key is to be made now: none is pending, and the current one has signed for
     * {@code rotateEvery} less the time the next will be published ahead (or there is no current key).
     */
    public static boolean rotationDue(List<Schedule> keys, Instant now, Duration rotateEvery,
                                      Duration publishAhead) {
        if (keys.stream().anyMatch(k -> !retired(k, now) && now.isBefore(k.activateAt()))) {
            return false;
        }
        return current(keys, now).map(k -> !now.isBefore(k.activateAt().plus(rotateEvery).minus(publishAhead)))
                .orElse(true);
    }

    /** The next key's schedule, and when the keys it replaces are retired. */
    public record Plan(Instant publishAt, Instant activateAt, Instant retirePreviousAt) {
    }

    /**
     * A scheduled rotation: published now, signing after {@code publishAhead}, the old key retired {@code overlap}
     * after that. An emergency one ({@code immediately}, a leaked key): signing now, every other key retired now.
     */
    public static Plan plan(Instant now, Duration publishAhead, Duration overlap, boolean immediately) {
        if (immediately) {
            return new Plan(now, now, now);
        }
        Instant activate = now.plus(publishAhead);
        return new Plan(now, activate, activate.plus(overlap));
    }
}
