package io.plansync.payment.apikeys;

import java.util.Locale;
import java.util.Set;

/**
 * Headers that claim who the caller is, as gateways set them for the services behind them. On the developer API a
 * client must never be able to set one: the caller is the key ({@link ApiCaller}). They are removed from every /v1
 * request before anything reads it.
 */
public final class IdentityHeaders {
    static final Set<String> NAMES = Set.of("x-user-id", "x-subscription-id", "x-wallet", "x-api-key-id",
            "x-api-key-name", "x-api-scopes", "x-scopes", "x-roles", "x-user-roles", "x-authenticated-user",
            "x-forwarded-user", "x-remote-user", "x-consumer-id", "x-consumer-username", "x-client-id");
    static final String PREFIX = "x-plansync-";

    private IdentityHeaders() {
    }

    /** Whether a header (any case) is one a client may not send on this path. */
    public static boolean claimsIdentity(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return NAMES.contains(lower) || lower.startsWith(PREFIX);
    }
}
