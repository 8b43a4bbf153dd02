package io.plansync.support.tokens;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Another service's published keys (its JWKS), kept usable through that service's outages and restarts. Nimbus does
 * the work:
 * <ul>
 *   <li>the key set is cached for {@code cacheTtl} and refreshed in the background ahead of its expiry;</li>
 *   <li>the last key set fetched is kept for as long as fetches fail: a failed refresh never drops it;</li>
 *   <li>an unknown kid fetches at once, at most twice per {@code minRefreshInterval} (the rate limit).</li>
 * </ul>
 * What this class adds is the verdict on a kid that is not among the keys. It is an unknown key (a refusal) when the
 * keys were judged as last fetched successfully, also when the rate limit allows no fetch now: that key set is at
 * most one interval old. Only when the latest fetch failed is nothing known about the token: then {@link #get}
 * throws {@link KeysUnavailable}, which callers answer with a retryable 503. So the rate limit never turns a forged
 * kid into a 503, and a real outage never turns a genuinely new key into a 401.
 */
public final class RemoteJwks implements JWKSource<SecurityContext>, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);
    private static final int HTTP_TIMEOUT_MILLIS = 2_000;
    private static final int MAX_JWKS_BYTES = 64 * 1024;
    /** Nimbus waits at most this long for a refresh another thread is running. */
    private static final Duration MAX_REFRESH_WAIT = Duration.ofSeconds(15);

    private final String url;
    private final Duration minRefreshInterval;
    private final ScheduledExecutorService background;
    private final JWKSetBasedJWKSource<SecurityContext> keys;
    private final AtomicLong failedFetches = new AtomicLong();
    private volatile JWKSet lastFetched;
    private volatile boolean lastFetchFailed = true;

    private RemoteJwks(URL url, Duration cacheTtl, Duration minRefreshInterval) {
        this.url = url.toString();
        this.minRefreshInterval = minRefreshInterval;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "jwks-refresh");
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.background = executor;
        long ttl = cacheTtl.toMillis();
        // Refresh a fifth of the lifetime ahead of expiry; Nimbus wants ahead-time + refresh wait <= lifetime.
        long refreshAhead = ttl / 5;
        long refreshWait = Math.min(MAX_REFRESH_WAIT.toMillis(), ttl / 5);
        var http = new URLBasedJWKSetSource<SecurityContext>(url,
                new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS, MAX_JWKS_BYTES));
        this.keys = (JWKSetBasedJWKSource<SecurityContext>) JWKSourceBuilder.create(new RecordingSource(http))
                .cache(ttl, refreshWait)
                .refreshAheadCache(refreshAhead, null, executor, false, executor, false)
                // Forever: the kept keys are replaced only when a fetch brings others.
                .outageTolerantForever()
                .rateLimited(minRefreshInterval.toMillis())
                .retrying(true)
                .build();
    }

    /**
     * @param cacheTtl           how long a fetched key set is used before it is fetched again (refreshed ahead)
     * @param minRefreshInterval an unknown kid fetches at most twice per interval; shorter than {@code cacheTtl}
     * @throws IllegalArgumentException if {@code url} is not a URL or the durations do not fit together
     */
    public static RemoteJwks of(String url, Duration cacheTtl, Duration minRefreshInterval) {
        if (minRefreshInterval.isNegative() || minRefreshInterval.isZero()
                || minRefreshInterval.compareTo(cacheTtl) >= 0) {
            throw new IllegalArgumentException("the JWKS refresh interval must be positive and shorter than the "
                    + "cache lifetime");
        }
        try {
            return new RemoteJwks(URI.create(url).toURL(), cacheTtl, minRefreshInterval);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL", e);
        }
    }

    /**
     * Fetches now, in the background, and again every refresh interval until one fetch succeeds: a service that
     * starts while the other is down starts at once and has the keys as soon as the other is up.
     */
    public void fetchInBackground() {
        background.execute(this::fetchUntilFirstSuccess);
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        List<JWK> found;
        try {
            found = keys.get(selector, context);
        } catch (RateLimitReachedException e) {
            // No fetch allowed now: judge by the key set fetched last, at most one interval ago.
            JWKSet last = lastFetched;
            found = last == null ? List.of() : selector.select(last);
        }
        if (found.isEmpty() && lastFetchFailed) {
            throw new KeysUnavailable();
        }
        return found;
    }

    /** Fetches that failed (network error, error status, not a JWK Set), counting Nimbus's one retry. */
    public long failedFetches() {
        return failedFetches.get();
    }


    @Override
    public void close() throws IOException {
        background.shutdownNow();
        keys.close();
    }

    private void fetchUntilFirstSuccess() {
        try {
            keys.getJWKSetSource().getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), System.currentTimeMillis(), null);
        } catch (KeySourceException e) {
            // Logged where the fetch failed; a rate-limited attempt is simply tried again.
        }
        if (lastFetched == null && !background.isShutdown()) {
            background.schedule(this::fetchUntilFirstSuccess, minRefreshInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The verification keys could not be fetched and the kid is not among those kept: retry later. */
    public static final class KeysUnavailable extends KeySourceException {
        KeysUnavailable() {
            super("the key set could not be fetched");
        }
    }

    /** The HTTP fetch itself, remembering its outcome and the key set it got. */
    private final class RecordingSource implements JWKSetSource<SecurityContext> {
        private final JWKSetSource<SecurityContext> http;

        RecordingSource(JWKSetSource<SecurityContext> http) {
            this.http = http;
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime,
                                SecurityContext context) throws KeySourceException {
            JWKSet fetched;
            try {
                fetched = http.getJWKSet(refreshEvaluator, currentTime, context);
            } catch (KeySourceException e) {
                // Warn once per outage (and on the very first failure), not on every retry.
                if (failedFetches.incrementAndGet() == 1 || !lastFetchFailed) {
                    LOG.warn("Cannot fetch the JWKS at {} ({}); keeping the keys fetched before", url,
                            e.getMessage());
                }
                lastFetchFailed = true;
                throw e;
            }
            if (lastFetchFailed) {
                LOG.info("Fetched the JWKS at {}: {} key(s)", url, fetched.getKeys().size());
            }
            lastFetched = fetched;
            lastFetchFailed = false;
            return fetched;
        }

        @Override
        public void close() throws IOException {
            http.close();
        }
    }
}
