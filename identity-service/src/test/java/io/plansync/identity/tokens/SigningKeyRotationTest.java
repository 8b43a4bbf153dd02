package io.plansync.identity.tokens;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.support.keys.KeyProtection;
import io.plansync.support.keys.KeyRing;
import io.plansync.support.keys.KeyRingLoader;
import io.plansync.support.keys.SigningKeyRotation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas rotating generated keys on one database, on a clock the test moves through a whole rotation: at every
 * step each replica's tokens, and every token still within its lifetime, verify on both; the replaced key is refused
 * on both once retired, and its tokens are counted as signed by a retired key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SigningKeyRotationTest {
    private static final Duration EVERY = Duration.ofDays(30);
    private static final Duration AHEAD = Duration.ofMinutes(10);
    private static final Duration OVERLAP = Duration.ofMinutes(16);
    private static final Duration TOKEN_LIFE = Duration.ofMinutes(15);

    private ApplicationContext identity;
    private DataSource pool;
    private KeyProtection protection;

    @BeforeAll
    void start() {
        Map<String, Object> settings = new HashMap<>(IdentityTestProperties.freshDatabase(Map.of(
                "plansync.signing-keys.refresh-interval", "1h")));
        identity = ApplicationContext.run(settings, Environment.TEST);
        pool = DelegatingDataSource.unwrapDataSource(identity.getBean(DataSource.class));
        protection = identity.getBean(KeyProtection.class);
    }

    @AfterAll
    void stop() {
        identity.close();
    }

    /** A clock the test sets. */
    private static final class TestClock extends Clock {
        private Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private record Replica(KeyRing ring, SigningKeyRotation rotation, List<String> seen) {
    }

    private record Token(SignedJWT jwt, Instant signedAt) {
    }

    @Test
    void no_token_is_refused_during_a_rotation_across_two_replicas_and_the_retired_key_is_refused_after() throws Exception {
        Instant start = Instant.now().plusMillis(1).plusNanos(123);
        TestClock clock = new TestClock(start);
        ECKey configuredEarlier = io.plansync.support.keys.PemKeys.generate();
        Replica a = replica(clock, io.plansync.support.keys.PemKeys.toPem(configuredEarlier));
        Replica b = replica(clock, null);
        String first = a.ring().signingKey().getKeyID();
        assertThat(b.ring().signingKey().getKeyID()).as("replicas agree").isEqualTo(first);

        Instant due = start.plus(EVERY).minus(AHEAD);
        Instant switchAt = due.plus(AHEAD);
        List<Instant> moments = List.of(start.plusSeconds(1), due.minusSeconds(60), due, due.plusSeconds(30),
                switchAt.minusSeconds(1), switchAt, switchAt.plusSeconds(1), switchAt.plus(TOKEN_LIFE),
                switchAt.plus(OVERLAP).minusSeconds(1), switchAt.plus(OVERLAP), switchAt.plus(OVERLAP).plusSeconds(60));
        List<Token> issued = new ArrayList<>();
        String second = null;
        for (Instant moment : moments) {
            clock.now = moment;
            // The replicas tick at slightly different times: b first at some moments, a first at others.
            if (moment.getEpochSecond() % 2 == 0) {
                b.rotation().tick();
                a.rotation().tick();
            } else {
                a.rotation().tick();
                b.rotation().tick();
            }
            issued.add(new Token(sign(a.ring().signingKey()), moment));
            issued.add(new Token(sign(b.ring().signingKey()), moment));
            for (Token token : issued) {
                if (!moment.isAfter(token.signedAt().plus(TOKEN_LIFE))) {
                    assertThat(verifies(a, token.jwt())).as("a token of %s, signed at %s, on a at %s",
                            token.jwt().getHeader().getKeyID(), token.signedAt(), moment).isTrue();
                    assertThat(verifies(b, token.jwt())).as("on b at %s", moment).isTrue();
                }
            }
            if (moment.equals(due)) {
                assertThat(b.ring().publicKeys().getKeys()).as("the next key is published before it signs")
                        .hasSize(2);
                assertThat(a.ring().publicKeys().getKeys()).as("and a's configured previous key besides")
                        .hasSize(3);
                b.ring().publicKeys().getKeys().forEach(k -> assertThat(a.ring().publicKeys().getKeyByKeyId(
                        k.getKeyID())).as("the replicas publish the same generated keys").isNotNull());
            }
            String signing = a.ring().signingKey().getKeyID();
            if (!signing.equals(first)) {
                second = signing;
            }
        }
        assertThat(second).as("a new key signs after the rotation").isNotNull();
        assertThat(b.ring().signingKey().getKeyID()).isEqualTo(second);

        SignedJWT oldToken = issued.getFirst().jwt();
        assertThat(verifies(a, oldToken)).as("the retired key's token").isFalse();
        assertThat(verifies(b, oldToken)).isFalse();
        assertThat(a.seen()).contains(first + "=retired");
        assertThat(a.ring().publicJwksJson()).doesNotContain(first).contains(second)
                .as("a configured previous key stays published through the rotation")
                .contains(configuredEarlier.getKeyID());
    }

    /** @param previousPem a configured previous key (as IDENTITY_TOKEN_PREVIOUS_SIGNING_KEYS), or null */
    private Replica replica(Clock clock, String previousPem) throws Exception {
        KeyRing ring;
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            ring = KeyRingLoader.load("identity-service", "IDENTITY_TOKEN_SIGNING_KEY", null, previousPem, protection,
                    connection);
            connection.commit();
        }
        List<String> seen = new ArrayList<>();
        ring.onVerification((kid, role) -> seen.add(kid + "=" + role));
        return new Replica(ring, new SigningKeyRotation("identity-service", ring, protection, pool,
                new SigningKeyRotation.Settings(EVERY, AHEAD, OVERLAP), clock), seen);
    }

    private static SignedJWT sign(ECKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("someone").build());
        jwt.sign(new ECDSASigner(key));
        return jwt;
    }

    private static boolean verifies(Replica replica, SignedJWT jwt) throws Exception {
        List<JWK> keys = replica.ring().verificationKeys().get(new JWKSelector(new JWKMatcher.Builder()
                .keyID(jwt.getHeader().getKeyID()).build()), null);
        return !keys.isEmpty() && jwt.verify(new ECDSAVerifier(keys.getFirst().toECKey()));
    }
}
