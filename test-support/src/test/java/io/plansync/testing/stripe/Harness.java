package io.plansync.testing.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Price;
import com.stripe.model.Subscription;
import com.stripe.model.checkout.Session;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PriceCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** What the emulator's tests share: a stripe-java client on the emulator, a browser, a webhook receiver. */
final class Harness {
    static final String SECRET = "whsec_emulator_test_secret";

    private static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private Harness() {
    }

    static StripeClient stripe(StripeEmulator emulator) {
        return StripeClient.builder().setApiKey("sk_test_emulator").setApiBase(emulator.url())
                .setMaxNetworkRetries(0).build();
    }

    /** A monthly price made through the API, as a service's set-up would. */
    static Price monthlyPrice(StripeClient stripe, String name, long amount) throws StripeException {
        return stripe.v1().prices().create(PriceCreateParams.builder()
                .setProductData(PriceCreateParams.ProductData.builder().setName(name).build())
                .setUnitAmount(amount).setCurrency("usd")
                .setRecurring(PriceCreateParams.Recurring.builder()
                        .setInterval(PriceCreateParams.Recurring.Interval.MONTH).build())
                .build());
    }

    static Customer customer(StripeClient stripe, String userId) throws StripeException {
        return stripe.v1().customers().create(CustomerCreateParams.builder().putMetadata("userId", userId).build());
    }

    static Session checkout(StripeClient stripe, String customerId, String priceId, String userId)
            throws StripeException {
        return stripe.v1().checkout().sessions().create(SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                .setCustomer(customerId)
                .setClientReferenceId(userId)
                .putMetadata("userId", userId)
                .addLineItem(SessionCreateParams.LineItem.builder().setPrice(priceId).setQuantity(1L).build())
                .setSubscriptionData(SessionCreateParams.SubscriptionData.builder().putMetadata("userId", userId)
                        .build())
                .setSuccessUrl("http://app.test/success?session={CHECKOUT_SESSION_ID}")
                .setCancelUrl("http://app.test/cancel")
                .build());
    }

    /** Customer, checkout and the hosted page paid with this card; returns the subscription. */
    static Subscription subscribe(StripeClient stripe, String priceId, String userId, String card)
            throws StripeException {
        Customer customer = customer(stripe, userId);
        Session session = checkout(stripe, customer.getId(), priceId, userId);
        HttpResponse<String> paid = post(session.getUrl(), "card=" + card);
        if (paid.statusCode() != 303) {
            throw new AssertionError("checkout page answered " + paid.statusCode() + ": " + paid.body());
        }
        return stripe.v1().subscriptions().retrieve(stripe.v1().checkout().sessions().retrieve(session.getId())
                .getSubscription());
    }

    static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    static HttpResponse<String> post(String url, String form) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return BROWSER.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A webhook endpoint that keeps what it receives and answers with the status the test sets. */
    static final class Receiver implements AutoCloseable {
        record Received(String payload, String signature) {
        }

        private final HttpServer server;
        private final List<Received> received = new ArrayList<>();
        private final AtomicInteger calls = new AtomicInteger();
        private volatile IntSupplier status = () -> 200;

        Receiver() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/webhook", exchange -> {
                try (exchange) {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    calls.incrementAndGet();
                    int answer = status.getAsInt();
                    if (answer == 200) {
                        synchronized (received) {
                            received.add(new Received(body, exchange.getRequestHeaders().getFirst("Stripe-Signature")));
                        }
                    }
                    exchange.sendResponseHeaders(answer, -1);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook";
        }

        void answer(IntSupplier newStatus) {
            status = newStatus;
        }

        int calls() {
            return calls.get();
        }

        List<Received> received() {
            synchronized (received) {
                return List.copyOf(received);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
