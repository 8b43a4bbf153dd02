package io.plansync.support.tokens;

/** A token failed verification. The reason is a short fixed phrase, safe to log and count; never token contents. */
public class TokenRejected extends Exception {
    private final String reason;
    private final boolean keysUnavailable;

    public TokenRejected(String reason) {
        this(reason, false);
    }

    private TokenRejected(String reason, boolean keysUnavailable) {
        super(reason, null, false, false);
        this.reason = reason;
        this.keysUnavailable = keysUnavailable;
    }

    /** The verification keys could not be fetched: nothing is known about the token, so the caller may retry. */
    public static TokenRejected keysUnavailable() {
        return new TokenRejected("keys unavailable", true);
    }

    public String reason() {
        return reason;
    }

    public boolean isKeysUnavailable() {
        return keysUnavailable;
    }
}
