package io.plansync.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A local HTTP stand-in for the two Stripe API calls PlanSync makes (customers, payment intents), since Stripe is
 * outside. It records every request so tests can check what Stripe would have seen (amount, metadata,
 * Idempotency-Key).
 */
public final class StripeStandIn implements AutoCloseable {
    private final WireMockServer server;

    public StripeStandIn() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().globalTemplating(true));
        server.start();
        answerNormally();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Stripe answers as usual: a new customer / payment intent per call. */
    public void answerNormally() {
        server.resetMappings();
        server.stubFor(post(urlPathEqualTo("/v1/customers")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                        {"id":"cus_{{randomValue length=14 type='ALPHANUMERIC'}}","object":"customer"}
                        """)));
        server.stubFor(post(urlPathEqualTo("/v1/payment_intents")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                        {{formData request.body 'form' urlDecode=true}}{"id":"pi_{{randomValue length=14 type='ALPHANUMERIC'}}",
                         "object":"payment_intent","amount":{{form.amount}},"currency":"{{form.currency}}",
                         "client_secret":"pi_secret_{{randomValue length=20 type='ALPHANUMERIC'}}",
                         "status":"requires_payment_method"}
                        """)));
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
