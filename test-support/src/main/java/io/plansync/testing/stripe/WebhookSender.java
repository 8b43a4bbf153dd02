package io.plansync.testing.stripe;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers events to one webhook endpoint as Stripe does: POST of the event JSON with
 * {@code Stripe-Signature: t=<unix seconds, real time>,v1=<hex HMAC-SHA256 of "t.payload">}, off the request thread,
 * one at a time in the order they happened, retried with backoff when the endpoint does not answer 2xx.
 */
final class WebhookSender implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "stripe-emulator-webhooks");
        thread.setDaemon(true);
        return thread;
    });
    private final List<StripeEmulator.Delivery> deliveries = new ArrayList<>();
    private final int maxAttempts;
    private final Duration firstRetryDelay;

    WebhookSender(int maxAttempts, Duration firstRetryDelay) {
        this.maxAttempts = Math.max(1, maxAttempts);
        this.firstRetryDelay = firstRetryDelay;
    }

    static String signatureHeader(String payload, String secret, long timestampSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestampSeconds + "." + payload).getBytes(StandardCharsets.UTF_8));
            return "t=" + timestampSeconds + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    void send(String url, String secret, String eventId, String type, String payload) {
        executor.execute(() -> attempt(url, secret, eventId, type, payload, 1));
    }

    private void attempt(String url, String secret, String eventId, String type, String payload, int attempt) {
        int status = -1;
        String error = null;
        try {
            // The signature's timestamp is real time even when the emulator's clock was advanced, as with Stripe's
            // test clocks: the receiver checks it against its own clock (stripe-java: 300 s tolerance).
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks) PlanSync-Stripe-emulator")
                    .header("Stripe-Signature", signatureHeader(payload, secret, Instant.now().getEpochSecond()))
                    .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
                    .build();
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            error = e.toString();
        }
        boolean delivered = status >= 200 && status < 300;
        synchronized (deliveries) {
            deliveries.add(new StripeEmulator.Delivery(eventId, type, attempt, status, error, delivered));
            deliveries.notifyAll();
        }
        if (!delivered && attempt < maxAttempts && !executor.isShutdown()) {
            long delay = firstRetryDelay.toMillis() << Math.min(attempt - 1, 20);
            executor.schedule(() -> attempt(url, secret, eventId, type, payload, attempt + 1), delay,
                    TimeUnit.MILLISECONDS);
        }
    }

    List<StripeEmulator.Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    void clear() {
        synchronized (deliveries) {
            deliveries.clear();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        http.close();
    }
}
