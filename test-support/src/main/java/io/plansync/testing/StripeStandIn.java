package io.plansync.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A local HTTP stand-in for the Stripe API calls PlanSync makes (customers, payment intents, events), since Stripe
 * is outside. It records every request so tests can check what Stripe would have seen (amount, metadata,
 * Idempotency-Key).
 */
public final class StripeStandIn implements AutoCloseable {
    private static final List<String> DEVELOPMENT_MAPPINGS = developmentMappings();

    private final WireMockServer server;

    public StripeStandIn() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().globalTemplating(true));
        server.start();
        answerNormally();
    }

    /** dev/stripe-stand-in/mappings of this checkout, found from the working directory (a module or the root). */
    private static List<String> developmentMappings() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path mappings = dir.resolve("dev/stripe-stand-in/mappings");
            if (Files.isDirectory(mappings)) {
                try (Stream<Path> files = Files.list(mappings)) {
                    List<String> all = new ArrayList<>();
                    for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                        all.add(Files.readString(file));
                    }
                    return List.copyOf(all);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("dev/stripe-stand-in/mappings not found above " + Path.of("").toAbsolutePath());
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /**
     * Stripe answers as usual: the development stand-in's own answers (dev/stripe-stand-in/mappings), so tests and
     * {@code plansync-local} see one stand-in. A repeated Idempotency-Key gets the same payment intent, as at Stripe.
     */
    public void answerNormally() {
        server.resetMappings();
        // Copied in as in-memory stubs: a file-backed mappings source would delete the files on the next reset.
        DEVELOPMENT_MAPPINGS.forEach(json -> server.addStubMapping(StubMapping.buildFrom(json)));
    }

    /** {@code GET /v1/events} answers these events (JSON objects as Stripe sends them), in one page. */
    public void serveEvents(String... events) {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/v1/events"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"object\":\"list\",\"url\":\"/v1/events\",\"has_more\":false,\"data\":["
                                + String.join(",", events) + "]}")));
    }

    public List<LoggedRequest> eventListRequests() {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo("/v1/events")));
    }

    /** Stripe is having a bad day: every call gets a 500. */
    public void failEverything() {
        server.resetMappings();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"stand-in outage\"}}")));
    }

    public List<LoggedRequest> customerRequests() {
        return server.findAll(postRequestedFor(urlPathEqualTo("/v1/customers")));
    }

    public List<LoggedRequest> paymentIntentRequests() {
        return server.findAll(postRequestedFor(urlPathEqualTo("/v1/payment_intents")));
    }

    public void resetRequests() {
        server.resetRequests();
    }

    @Override
    public void close() {
        server.stop();
    }
}
