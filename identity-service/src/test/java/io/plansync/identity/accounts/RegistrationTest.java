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
        return IdentityTestProperties.freshDatabase(Map.of());
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

    private void register(String email) {
        http.toBlocking().exchange(HttpRequest.POST("/auth/register",
                Map.of("email", email, "password", "long enough password")));
    }

    @SuppressWarnings("unchecked")
    private static String problemCode(HttpClientResponseException e) {
        return (String) e.getResponse().getBody(Map.class).orElseThrow().get("code");
    }
}
