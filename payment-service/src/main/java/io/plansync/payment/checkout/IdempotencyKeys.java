package io.plansync.payment.checkout;

import io.micronaut.core.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** The Idempotency-Key sent to Stripe for a client's request. */
public final class IdempotencyKeys {
    private IdempotencyKeys() {
    }

    /**
     * With the client's own Idempotency-Key: a digest of it and of what the request is for (the user and its
     * parameters), so that the same key from another user, or for another purchase, is another key at Stripe.
     * Without one: a new key per request (still one for stripe-java's own network retries of it).
     */
    public static String forStripe(String prefix, @Nullable String clientKey, String... scope) {
        if (clientKey == null || clientKey.isBlank()) {
            return prefix + UUID.randomUUID();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (String.join("|", scope) + "|" + clientKey).getBytes(StandardCharsets.UTF_8));
            return prefix + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
