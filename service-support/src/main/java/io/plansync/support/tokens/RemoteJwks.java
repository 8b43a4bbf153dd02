package io.plansync.support.tokens;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;

/** Another service's published keys: fetched over HTTP, cached, refreshed on an unknown kid at most once per interval. */
public final class RemoteJwks {
    private RemoteJwks() {
    }

    /** @throws IllegalArgumentException if {@code url} is not a URL */
    public static JWKSource<SecurityContext> of(String url, Duration minRefreshInterval) {
        try {
            return JWKSourceBuilder.create(URI.create(url).toURL(), new DefaultResourceRetriever(2_000, 2_000, 64 * 1024))
                    .cache(true)
                    .rateLimited(minRefreshInterval.toMillis())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL", e);
        }
    }
}
