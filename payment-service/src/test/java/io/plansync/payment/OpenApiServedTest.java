package io.plansync.payment;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.support.openapi.OpenApiController;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document generated when the service was built is served at /openapi.yml, to anyone. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiServedTest implements TestPropertyProvider {
    private final StripeStandIn stripe = new StripeStandIn();
    private final TestUserTokens users = new TestUserTokens();

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return PaymentTestProperties.of(TestDatabases.fresh("payments"), stripe.url(), "http://127.0.0.1:9",
                users.jwksUrl(), Map.of("plansync.outbox.relay-enabled", "false"));
    }

    @AfterAll
    void stop() {
        stripe.close();
        users.close();
    }

    @Test
    void the_openapi_document_is_served_to_anyone_as_built() throws IOException {
        HttpResponse<String> document = http.toBlocking().exchange(HttpRequest.GET("/openapi.yml"), String.class);

        assertThat(document.code()).isEqualTo(200);
        assertThat(document.getContentType()).map(Object::toString).contains("application/yaml");
        try (InputStream built = getClass().getClassLoader().getResourceAsStream(OpenApiController.DOCUMENT)) {
            assertThat(document.body()).isEqualTo(new String(built.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
