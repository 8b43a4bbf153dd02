package io.plansync.support.keys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Rotates a service's generated signing keys without a restart or an operator, and keeps every replica's
 * {@link KeyRing} in step with the {@code signing_keys} table: on each {@link #tick}, one replica at a time (the
 * table's advisory lock) makes the next key when it is due ({@link SigningKeyRules}), and every replica reloads what
 * is published and current now. Configured keys (PEM in the environment) are left alone: the operator rotates them.
 */
public final class SigningKeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyRotation.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("plansync.audit");

    /**
     * @param rotateEvery  how long a key signs before the next takes over
     * @param publishAhead how long the next key is published before it signs (longer than verifiers cache JWKS)
     * @param overlap      how long a replaced key stays published (longer than the longest token it signed lives)
     */
    public record Settings(Duration rotateEvery, Duration publishAhead, Duration overlap) {
    }

    /**
     * A key as operators see it: never the private part. Configured keys have no schedule (their times are null):
     * the one that signs is {@code current}, the others {@code previous}.
     */
    @Serdeable
    public record KeyView(String kid, String state, @Nullable Instant publishAt, @Nullable Instant activateAt,
                          @Nullable Instant retireAt) {
    }

    private final String service;
    private final KeyRing ring;
    private final KeyProtection protection;
    private final DataSource pool;
    private final Settings settings;
    private final Clock clock;

    /** @param pool the connection pool itself (this class runs its own short transactions) */
    public SigningKeyRotation(String service, KeyRing ring, KeyProtection protection, DataSource pool,
                              Settings settings, Clock clock) {
        this.service = service;
        this.ring = ring;
        this.protection = protection;
        this.pool = pool;
        this.settings = settings;
        this.clock = clock;
    }

    public boolean active() {
        return ring.rotates();
    }

    /** Makes the next key if it is due, then loads what is published and current now. */
    public void tick() {
        if (!ring.rotates()) {
            return;
        }
        Instant now = now();
        inTransaction(store -> {
            store.lock();
            List<SigningKeyRules.Schedule> schedules = schedules(store);
            if (SigningKeyRules.rotationDue(schedules, now, settings.rotateEvery(), settings.publishAhead())) {
                rotate(store, now, false, "schedule");
            }
            reload(store, now);
            return null;
        });
    }

    /**
     * An operator's rotation: {@code immediately} (a leaked key) the new key signs now and every other is retired now,
     * so tokens they signed are refused; otherwise the next key is made now on the usual schedule (published, then
     * signing after the publish-ahead, the old one retired after the overlap). 409 when the keys are configured or
     * a scheduled rotation is already under way.
     */
    public List<KeyView> rotate(boolean immediately, String actor) {
        if (!ring.rotates()) {
            throw new ProblemException(HttpStatus.CONFLICT, ProblemCodes.CONFLICT, "Keys are configured",
                    "This service signs with configured keys: rotate them in its configuration (README: signing "
                            + "keys).");
        }
        Instant now = now();
        return inTransaction(store -> {
            store.lock();
            List<SigningKeyRules.Schedule> schedules = schedules(store);
            boolean pending = schedules.stream().anyMatch(k -> SigningKeyRules.stateOf(k, schedules, now)
                    == SigningKeyRules.State.PENDING);
            if (pending && !immediately) {
                throw new ProblemException(HttpStatus.CONFLICT, ProblemCodes.CONFLICT, "Rotation under way",
                        "A next key is already published and will sign soon; use --now to replace every key now.");
            }
            String kid = rotate(store, now, immediately, actor);
            AUDIT.info("Signing key rotation of {} by {}: new key {}{}", service, actor, kid,
                    immediately ? ", every other key retired now" : "");
            reload(store, now);
            return views(store, now);
        });
    }

    public List<KeyView> list() {
        if (!ring.rotates()) {
            String current = ring.signingKey().getKeyID();
            return ring.publicKeys().getKeys().stream().map(k -> new KeyView(k.getKeyID(), k.getKeyID()
                    .equals(current) ? SigningKeyRules.State.CURRENT.wire() : SigningKeyRules.State.PREVIOUS.wire(),
                    null, null, null)).toList();
        }
        Instant now = now();
        return inTransaction(store -> views(store, now));
    }

    /** The time as PostgreSQL keeps it (microseconds): a key made "now" is then published at this same now. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private interface Work<T> {
        T run(StoredSigningKeys store) throws SQLException;
    }

    /** One transaction of its own on a pooled connection; committed when {@code work} returns. */
    private <T> T inTransaction(Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(new StoredSigningKeys(connection));
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("signing keys unavailable: " + e.getClass().getSimpleName(), e);
        }
    }

    private String rotate(StoredSigningKeys store, Instant now, boolean immediately, String why)
            throws SQLException {
        SigningKeyRules.Plan plan = SigningKeyRules.plan(now, settings.publishAhead(), settings.overlap(),
                immediately);
        String kid = KeyRingLoader.generateAndStore(service, protection, store, plan.publishAt(), plan.activateAt())
                .getKeyID();
        store.retireAllBut(kid, plan.retirePreviousAt());
        LOG.info("Signing key {} of {} made ({}): published {}, signing from {}; the keys it replaces are retired at "
                + "{}", kid, service, why, plan.publishAt(), plan.activateAt(), plan.retirePreviousAt());
        return kid;
    }

    private void reload(StoredSigningKeys store, Instant now) throws SQLException {
        KeyRing fresh = KeyRingLoader.ringOf(KeyRingLoader.decryptAll(service, protection, store), now,
                ring.pinned());
        if (fresh == null) {
            LOG.error("No signing key of {} is current at {}; keeping the keys in use", service, now);
            return;
        }
        String before = ring.signingKey().getKeyID();
        ring.adopt(fresh);
        if (!before.equals(ring.signingKey().getKeyID())) {
            LOG.info("{} now signs with key {} (was {})", service, ring.signingKey().getKeyID(), before);
        }
    }

    private static List<SigningKeyRules.Schedule> schedules(StoredSigningKeys store) throws SQLException {
        return store.newestFirst().stream().map(StoredSigningKeys.Row::schedule).toList();
    }

    private static List<KeyView> views(StoredSigningKeys store, Instant now) throws SQLException {
        List<SigningKeyRules.Schedule> schedules = schedules(store);
        return schedules.stream().map(k -> new KeyView(k.kid(), SigningKeyRules.stateOf(k, schedules, now).wire(),
                k.publishAt(), k.activateAt(), k.retireAt())).toList();
    }
}
