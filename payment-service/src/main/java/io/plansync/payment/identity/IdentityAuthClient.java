package io.plansync.payment.identity;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.client.annotation.Client;
import io.plansync.support.correlation.CorrelationId;

import java.util.Map;

/**
 * identity-service's sign-in endpoints, called server side by the billing pages on a browser's behalf (the browser
 * never sees identity's tokens). {@code X-Forwarded-For} carries the browser's address, which identity-service
 * believes only when it trusts payment-service as a proxy (IDENTITY_TRUSTED_PROXIES).
 */
@Client(id = "identity")
public interface IdentityAuthClient {

    @Post("/auth/login")
    HttpResponse<Map<String, Object>> login(@Header("X-Forwarded-For") String clientAddress,
                                            @Header(CorrelationId.HEADER) String correlationId,
                                            @Body Map<String, String> credentials);

    @Post("/auth/register")
    HttpResponse<Map<String, Object>> register(@Header("X-Forwarded-For") String clientAddress,
                                               @Header(CorrelationId.HEADER) String correlationId,
                                               @Body Map<String, String> credentials);
}
