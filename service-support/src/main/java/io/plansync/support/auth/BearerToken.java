package io.plansync.support.auth;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;

import java.util.Optional;

/** Reads an RFC 6750 bearer token from the Authorization header. */
public final class BearerToken {
    private static final String PREFIX = "Bearer ";
    /** Tokens this long are not ours; refuse them before parsing. */
    private static final int MAX_LENGTH = 8192;

    private BearerToken() {
    }

    public static Optional<String> from(HttpRequest<?> request) {
        return request.getHeaders().get(HttpHeaders.AUTHORIZATION, String.class)
                .filter(h -> h.regionMatches(true, 0, PREFIX, 0, PREFIX.length()))
                .map(h -> h.substring(PREFIX.length()).trim())
                .filter(t -> !t.isEmpty() && t.length() <= MAX_LENGTH);
    }
}
