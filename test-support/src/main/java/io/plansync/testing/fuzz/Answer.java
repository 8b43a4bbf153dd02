package io.plansync.testing.fuzz;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/** One HTTP answer as a fuzz test sees it. */
public record Answer(int status, String contentType, String body) {

    /**
     * What every answer to any input must be: a documented success, or a 4xx application/problem+json with a
     * {@code code}; never a 5xx, a stack trace, or a secret the request carried.
     *
     * @param successes the statuses the endpoint documents as success
     * @param secrets   values the request carried that must never come back (tokens, passwords)
     * @return null when the answer is acceptable, else what is wrong with it
     */
    public String violation(Set<Integer> successes, Collection<String> secrets) {
        if (status >= 500) {
            return "server error " + this;
        }
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 8 && body.contains(secret)) {
                return "echoes a secret of the request: " + this;
            }
        }
        if (status >= 400) {
            if (body.contains("Exception") || body.contains("\tat ") || body.contains("at io.micronaut")
                    || body.contains("at java.")) {
                return "shows a stack trace or exception: " + this;
            }
            if (!contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
                return "not problem+json: " + this;
            }
            String code = code();
            return code == null || code.isBlank() ? "problem without a code: " + this : null;
        }
        return successes.contains(status) ? null : "undocumented status " + this;
    }

    /** The {@code code} of a problem+json body, or null if the body has none. */
    public String code() {
        try {
            JsonElement json = JsonParser.parseString(body);
            if (!json.isJsonObject()) {
                return null;
            }
            JsonObject object = json.getAsJsonObject();
            JsonElement code = object.get("code");
            return code == null || !code.isJsonPrimitive() ? null : code.getAsString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        String shown = body.length() > 300 ? body.substring(0, 300) + "..." : body;
        return status + " [" + contentType + "] " + shown;
    }
}
