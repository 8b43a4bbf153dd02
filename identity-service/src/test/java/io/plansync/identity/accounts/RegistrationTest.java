package io.plansync.identity.accounts;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.IdentityTestProperties;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistrationTest implements TestPropertyProvider {

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase();
    }

    @Test
    void a_new_user_starts_on_the_free_plan() {
        var response = http.toBlocking().exchange(HttpRequest.POST("/auth/register",
                Map.of("email", "New.User@Example.com", "password", "correct horse battery")), Argument.mapOf(String.class, Object.class));

        assertThat(response.getStatus().getCode()).isEqualTo(201);
        assertThat(response.body()).containsEntry("email", "new.user@example.com")
                .containsEntry("plan", "free").containsEntry("status", "active").containsKey("id");
    }

    @Test
    void an_email_registers_once_whatever_its_case() {
        register("twice@example.com");

        var refused = assertThrows(HttpClientResponseException.class, () -> register("TWICE@example.com"));

        assertThat(refused.getStatus().getCode()).isEqualTo(409);
        assertThat(problemCode(refused)).isEqualTo("EMAIL_TAKEN");
    }

    @Test
    void a_password_shorter_than_12_characters_is_refused() {
        var refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().exchange(
                HttpRequest.POST("/auth/register", Map.of("email", "weak@example.com", "password", "elevenchars"))));

        assertThat(refused.getStatus().getCode()).isEqualTo(400);
        assertThat(problemCode(refused)).isEqualTo("VALIDATION_FAILED");
        assertThat(refused.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
    }

    @Test
    void an_invalid_email_is_refused() {
        var refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().exchange(
                HttpRequest.POST("/auth/register", Map.of("email", "not-an-email", "password", "long enough password"))));

        assertThat(refused.getStatus().getCode()).isEqualTo(400);
        assertThat(problemCode(refused)).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void a_value_of_the_wrong_json_type_is_refused_naming_the_field_and_registers_nobody() {
        for (String body : List.of(
                "{\"email\":[\"listed@example.com\"],\"password\":\"long enough password\"}",
                "{\"email\":\"numbered@example.com\",\"password\":123456789012345}",
                "{\"email\":{\"a\":\"b\"},\"password\":\"long enough password\"}",
                "{\"email\":true,\"password\":\"long enough password\"}")) {
            var refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().exchange(
                    HttpRequest.POST("/auth/register", body).contentType("application/json")), body);

            assertThat(refused.getStatus().getCode()).as(body).isEqualTo(400);
            Map<?, ?> problem = refused.getResponse().getBody(Map.class).orElseThrow();
            assertThat(problem.get("code")).as(body).isEqualTo("VALIDATION_FAILED");
            assertThat(problem.get("errors").toString()).as(body).containsAnyOf("email", "password");
        }
        // Nothing was registered: the listed address is still free.
        var created = http.toBlocking().exchange(HttpRequest.POST("/auth/register",
                Map.of("email", "listed@example.com", "password", "long enough password")));
        assertThat(created.getStatus().getCode()).isEqualTo(201);
    }

    @Test
    void a_missing_body_is_refused_without_naming_internals() {
        var refused = assertThrows(HttpClientResponseException.class, () -> http.toBlocking().exchange(
                HttpRequest.POST("/auth/register", "").contentType("application/json")));

        assertThat(refused.getStatus().getCode()).isEqualTo(400);
        String body = refused.getResponse().getBody(String.class).orElseThrow();
        assertThat(body).contains("VALIDATION_FAILED").doesNotContain("/body").doesNotContain("\"body\"");
    }

    private void register(String email) {
        http.toBlocking().exchange(HttpRequest.POST("/auth/register",
                Map.of("email", email, "password", "long enough password")));
    }

    @SuppressWarnings("unchecked")
    private static String problemCode(HttpClientResponseException e) {
        return (String) e.getResponse().getBody(Map.class).orElseThrow().get("code");
    }
}
