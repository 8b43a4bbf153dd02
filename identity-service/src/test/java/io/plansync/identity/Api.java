package io.plansync.identity;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.ServiceTokens;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The identity-service HTTP API as tests call it, over real HTTP, answering every status as a {@link Reply}. */
public final class Api {
    public static final String PASSWORD = "a long enough password";

    private final BlockingHttpClient http;

    public Api(HttpClient client) {
        this.http = client.toBlocking();
    }

    public Reply send(MutableHttpRequest<?> request) {
        try {
            HttpResponse<String> response = http.exchange(request, String.class);
            return new Reply(response.code(), response.getHeaders(), response.getBody().orElse(""));
        } catch (HttpClientResponseException e) {
            return new Reply(e.code(), e.getResponse().getHeaders(),
                    e.getResponse().getBody(String.class).orElse(""));
        }
    }

    /** Registers a new user with {@link #PASSWORD} and returns its id. */
    public UUID register(String email) {
        Reply reply = send(HttpRequest.POST("/auth/register", Map.of("email", email, "password", PASSWORD)));
        assertThat(reply.status()).as("register %s: %s", email, reply).isEqualTo(201);
        return UUID.fromString((String) reply.json().get("id"));
    }

    /** A new user with a unique email. */
    public TestUser newUser(String label) {
        String email = label + "-" + UUID.randomUUID() + "@example.com";
        return new TestUser(register(email), email);
    }

    public Reply login(String email, String password) {
        return send(HttpRequest.POST("/auth/login", Map.of("email", email, "password", password)));
    }

    /** Logs in and returns the access token. */
    public String accessToken(String email, String password) {
        Reply reply = login(email, password);
        assertThat(reply.status()).as("login %s: %s", email, reply).isEqualTo(200);
        return (String) reply.json().get("access_token");
    }

    public String accessToken(TestUser user) {
        return accessToken(user.email(), PASSWORD);
    }

    /** Logs in as the {@link TestAdmin} and returns its access token. */
    public String adminToken() {
        return accessToken(TestAdmin.EMAIL, TestAdmin.PASSWORD);
    }

    public Reply refresh(String refreshToken) {
        return send(HttpRequest.POST("/auth/refresh", Map.of("refresh_token", refreshToken)));
    }

    public Reply get(String path, String bearerToken) {
        MutableHttpRequest<?> request = HttpRequest.GET(path);
        if (bearerToken != null) {
            request.bearerAuth(bearerToken);
        }
        return send(request);
    }

    /** GET with a service token, sending X-Service as payment-service does. */
    public Reply getAsService(String path, String serviceToken) {
        return send(HttpRequest.GET(path).bearerAuth(serviceToken)
                .header(ServiceTokens.HEADER_SERVICE, ServiceTokens.CLIENT_PAYMENT_SERVICE));
    }

    /** PUT /admin/users/{id}/plan with a JSON body (a map, or a raw string sent as is) and optional bearer token. */
    public Reply putPlan(Object userId, Object body, String bearerToken) {
        return send(planRequest(userId, body, bearerToken));
    }

    /** PUT /admin/users/{id}/plan with a service token, sending X-Service as payment-service does. */
    public Reply putPlanAsService(Object userId, Object body, String serviceToken) {
        return send(planRequest(userId, body, serviceToken)
                .header(ServiceTokens.HEADER_SERVICE, ServiceTokens.CLIENT_PAYMENT_SERVICE));
    }

    public MutableHttpRequest<?> planRequest(Object userId, Object body, String bearerToken) {
        MutableHttpRequest<?> request = HttpRequest.PUT("/admin/users/" + userId + "/plan", body)
                .contentType(MediaType.APPLICATION_JSON);
        if (bearerToken != null) {
            request.bearerAuth(bearerToken);
        }
        return request;
    }

    /** POST /admin/plan-changes with a JSON body (a map, or a raw string sent as is) and optional bearer token. */
    public Reply postPlanChanges(Object body, String bearerToken) {
        MutableHttpRequest<?> request = HttpRequest.POST(PlanChangeBatch.PATH, body)
                .contentType(MediaType.APPLICATION_JSON);
        if (bearerToken != null) {
            request.bearerAuth(bearerToken);
        }
        return send(request);
    }

    /** POST /admin/plan-changes with a service token, sending X-Service as payment-service does. */
    public Reply postPlanChangesAsService(Object body, String serviceToken) {
        return send(HttpRequest.POST(PlanChangeBatch.PATH, body).contentType(MediaType.APPLICATION_JSON)
                .bearerAuth(serviceToken)
                .header(ServiceTokens.HEADER_SERVICE, ServiceTokens.CLIENT_PAYMENT_SERVICE));
    }

    /** A well-formed plan change. */
    public static Map<String, Object> planChange(String plan, String timestamp) {
        return Map.of("plan", plan, "status", "active", "updatedBy", "test", "timestamp", timestamp);
    }

    public static Map<String, Object> planChange(String plan, String timestamp, String eventId) {
        return Map.of("plan", plan, "status", "active", "updatedBy", "test", "timestamp", timestamp,
                "eventId", eventId);
    }

    public record TestUser(UUID id, String email) {
    }
}
