package io.plansync.support.tokens;

/** A token failed verification. The reason is a short fixed phrase, safe to log and count; never token contents. */
public class TokenRejected extends Exception {
    private final String reason;

    public TokenRejected(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
