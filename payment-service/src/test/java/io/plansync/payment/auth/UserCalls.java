package io.plansync.payment.auth;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;

import java.util.Map;

/** The two user endpoints, answering only the status (and problem code) so tests can say what a token got. */
final class UserCalls {
    private final HttpClient http;

    UserCalls(HttpClient http) {
        this.http = http;
    }

    Answer userStatus(String token) {
        return send(HttpRequest.GET("/user-status").bearerAuth(token));
    }

    Answer createPaymentIntent(String token) {
        return send(HttpRequest.POST("/create-payment-intent", Map.of("planType", "pro")).bearerAuth(token));
    }

    private Answer send(MutableHttpRequest<?> request) {
        try {
            var response = http.toBlocking().exchange(request, String.class);
            return new Answer(response.code(), null, null);
        } catch (HttpClientResponseException e) {
            return new Answer(e.getStatus().getCode(), e.getResponse().getBody(String.class).orElse(""),
                    e.getResponse().getHeaders().get("Retry-After"));
        }
    }

    record Answer(int status, String body, String retryAfter) {
    }
}
