package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The billing session's rules, as plain functions: when a session is alive, when its CSRF token is accepted and
 * when it is rotated, and how a secret is made and stored.
 */
public final class SessionRules {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionRules() {
    }

    /** Alive: not ended, used within the idle timeout, and within the absolute one. */
    public static boolean alive(BillingSession session, Instant now, BillingProperties properties) {
        return session.endedAt() == null && now.isBefore(session.expiresAt())
                && now.isBefore(session.lastSeenAt().plus(properties.idleTimeout()));
    }

    /**
     * A state-changing request's CSRF check: the header must equal the CSRF cookie, and be the session's current
     * token or, within the overlap after a rotation, the previous one.
     */
    public static boolean csrfAccepted(BillingSession session, @Nullable String header, @Nullable String cookie,
                                       Instant now, BillingProperties properties) {
        if (header == null || cookie == null || header.isEmpty()
                || !MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                cookie.getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        String hash = hash(header);
        if (MessageDigest.isEqual(hash.getBytes(StandardCharsets.UTF_8),
                session.csrfHash().getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        return session.previousCsrfHash() != null
                && now.isBefore(session.csrfRotatedAt().plus(properties.csrfOverlap()))
                && MessageDigest.isEqual(hash.getBytes(StandardCharsets.UTF_8),
                session.previousCsrfHash().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a page served now carries a new CSRF token. */
    public static boolean csrfDue(BillingSession session, Instant now, BillingProperties properties) {
        return !now.isBefore(session.csrfRotatedAt().plus(properties.csrfRotation()));
    }

    /** 256 random bits, URL-safe: a session id or a CSRF token. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What is stored of a secret. */
    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
