package io.plansync.support.tokens;

import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.proc.BadJWTException;

/** Maps Nimbus refusals onto short reasons for logs and metrics. */
final class Reasons {
    private Reasons() {
    }

    static String classify(BadJOSEException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        if (e instanceof BadJWTException) {
            if (message.contains("expired")) {
                return "expired";
            }
            if (message.contains("before use time")) {
                return "not yet valid";
            }
            if (message.contains("audience")) {
                return "audience";
            }
            if (message.contains("missing")) {
                return "missing claim";
            }
            return "claims";
        }
        if (message.contains("type")) {
            return "type";
        }
        if (message.contains("signature")) {
            return "signature";
        }
        if (message.contains("key")) {
            return "unknown key";
        }
        return "invalid";
    }
}
