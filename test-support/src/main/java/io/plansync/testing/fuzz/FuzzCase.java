package io.plansync.testing.fuzz;

import java.util.HashMap;
import java.util.Map;

/**
 * One request of a fuzz table: which endpoint, the target and body as sent, and which credentials to send (the
 * test mints them fresh: tokens expire and service tokens are single use).
 *
 * @param contentType the Content-Type header, or null for none
 * @param body        the body, or null for none
 * @param auth        a credential label the test understands ({@link FuzzCases#NO_AUTH}, "user", "admin", ...)
 */
public record FuzzCase(String what, Endpoint endpoint, String target, String contentType, byte[] body, String auth) {
    /** The case's own headers (its Content-Type, if any), for the caller to add credentials to. */
    public Map<String, String> headers() {
        Map<String, String> headers = new HashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        return headers;
    }

    @Override
    public String toString() {
        return endpoint.method() + " " + (target.length() > 120 ? target.substring(0, 120) + "..." : target)
                + " [" + auth + ", " + contentType + "] " + what;
    }
}
