package io.plansync.identity;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/** One HTTP answer as a test sees it, whatever its status: status, headers and the raw body. */
public record Reply(int status, HttpHeaders headers, String body) {
    private static final JsonMapper JSON = JsonMapper.createDefault();

    public Map<String, Object> json() {
        try {
            return JSON.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object (status " + status + "): " + body, e);
        }
    }

    /** The {@code code} member of a problem+json body. */
    public String code() {
        return (String) json().get("code");
    }

    public Optional<String> header(String name) {
        return headers.get(name, String.class);
    }

    public Optional<String> contentType() {
        return header(HttpHeaders.CONTENT_TYPE);
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
