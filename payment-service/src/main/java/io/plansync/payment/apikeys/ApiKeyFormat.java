package io.plansync.payment.apikeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of an API key, {@code psk_live_<id>_<secret>} (or {@code psk_test_}): the id (16 hex digits) is public
 * and names the key in lists and logs; the secret (256 random bits) is shown once and kept only as its SHA-256. A
 * secret this long needs no slow hash: nobody can guess it, and the digest is compared in constant time. Plain
 * functions.
 */
public final class ApiKeyFormat {
    private static final Pattern SHAPE = Pattern.compile("psk_(live|test)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyFormat() {
    }

    /** A key's mode: live keys for a deployment on Stripe's live key, test keys for one on a test key. */
    public enum Mode {
        LIVE, TEST;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Mode of(boolean live) {
            return live ? LIVE : TEST;
        }
    }

    /** A new key: the whole key for the caller, once; its id and hash for the table. */
    public record NewKey(String id, String plaintext, byte[] secretHash) {
        @Override
        public String toString() {
            return "NewKey[" + id + ", plaintext=***]";
        }
    }

    /** What a request presented, split; nothing about it is checked yet but its shape. */
    public record Presented(Mode mode, String id, String secret) {
        @Override
        public String toString() {
            return "Presented[" + mode + ", " + id + ", secret=***]";
        }
    }

    public static NewKey generate(Mode mode) {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String idText = HexFormat.of().formatHex(id);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new NewKey(idText, "psk_" + mode.wire() + "_" + idText + "_" + secretText, hash(secretText));
    }

    /** The key in an {@code Authorization: Bearer} value, if it has the shape of one. */
    public static Optional<Presented> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = SHAPE.matcher(value.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Presented("live".equals(m.group(1)) ? Mode.LIVE : Mode.TEST, m.group(2),
                m.group(3)));
    }

    /** Whether the presented secret is the one whose hash is stored: the whole secret, compared in constant time. */
    public static boolean matches(byte[] storedHash, String secret) {
        return MessageDigest.isEqual(storedHash, hash(secret));
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
