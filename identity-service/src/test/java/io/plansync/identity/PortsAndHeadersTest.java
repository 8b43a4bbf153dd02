package io.plansync.identity;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.support.openapi.OpenApiController;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each port serves: the public port answers the API, its OpenAPI document and the health status alone; health
 * details and metrics answer only on the management port, which serves nothing else. Every response says nosniff, and token responses
 * must not be cached.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortsAndHeadersTest implements TestPropertyProvider {
    @Inject
    Api api;

    @Inject
    ApplicationContext context;

    private HttpClient managementClient;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase();
    }

    @AfterAll
    void close() {
        if (managementClient != null) {
            managementClient.close();
        }
    }

    @Test
    void the_public_port_reports_health_status_without_details() {
        for (String path : new String[] {"/health", "/health/liveness", "/health/readiness"}) {
            Reply reply = api.send(HttpRequest.GET(path));

            assertThat(reply.status()).as(path).isEqualTo(200);
            assertThat(reply.json()).as(path).isEqualTo(Map.of("status", "UP"));
        }
    }

    @Test
    void the_openapi_document_is_served_to_anyone_as_built() throws IOException {
        Reply document = api.send(HttpRequest.GET("/openapi.yml"));

        assertThat(document.status()).isEqualTo(200);
        assertThat(document.contentType()).contains("application/yaml");
        try (InputStream built = getClass().getClassLoader().getResourceAsStream(OpenApiController.DOCUMENT)) {
            assertThat(document.body()).isEqualTo(new String(built.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void metrics_are_not_served_on_the_public_port() {
        assertThat(api.send(HttpRequest.GET("/prometheus")).status()).isEqualTo(404);
    }

    @Test
    void the_management_port_serves_health_details_and_metrics_and_no_api() {
        Reply health = management().send(HttpRequest.GET("/health"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json()).containsEntry("status", "UP").containsKey("details");
        assertThat(health.body()).contains("jdbc");

        Reply readiness = management().send(HttpRequest.GET("/health/readiness"));
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.body()).contains("jdbc");

        Reply metrics = management().send(HttpRequest.GET("/prometheus"));
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests_seconds");

        assertThat(management().send(HttpRequest.GET("/.well-known/jwks.json")).status()).isEqualTo(404);
        assertThat(management().send(HttpRequest.POST("/auth/login",
                Map.of("email", "nobody@example.com", "password", Api.PASSWORD))).status()).isEqualTo(404);
    }

    @Test
    void every_response_tells_browsers_not_to_sniff_its_type() {
        Api.TestUser user = api.newUser("nosniff");
        Reply[] replies = {
                api.send(HttpRequest.GET("/.well-known/jwks.json")),
                api.login(user.email(), Api.PASSWORD),
                api.get("/users/me", null),
                api.get("/no/such/path", null),
                api.send(HttpRequest.POST("/auth/login", "{not json").contentType("application/json")),
                api.send(HttpRequest.GET("/health")),
                management().send(HttpRequest.GET("/health")),
                management().send(HttpRequest.GET("/prometheus")),
        };

        assertThat(replies).extracting(Reply::status).contains(200, 401, 404, 400);
        for (Reply reply : replies) {
            assertThat(reply.header("X-Content-Type-Options")).as(reply.toString()).contains("nosniff");
        }
    }

    @Test
    void token_responses_are_never_cached() {
        Api.TestUser user = api.newUser("no-store");

        Reply login = api.login(user.email(), Api.PASSWORD);
        Reply refreshed = api.refresh((String) login.json().get("refresh_token"));

        assertThat(login.status()).isEqualTo(200);
        assertThat(login.header("Cache-Control")).contains("no-store");
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.header("Cache-Control")).contains("no-store");
    }


    private Api management() {
        if (managementClient == null) {
            int port = context.getRequiredProperty("endpoints.all.port", Integer.class);
            managementClient = context.createBean(HttpClient.class, URI.create("http://127.0.0.1:" + port));
        }
        return new Api(managementClient);
    }
}
