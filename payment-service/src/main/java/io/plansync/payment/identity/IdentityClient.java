package io.plansync.payment.identity;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.client.annotation.Client;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.ServiceTokens;
import io.plansync.contracts.UserLookup;
import io.plansync.contracts.UserView;
import io.plansync.support.correlation.CorrelationId;

/** identity-service's endpoints payment-service calls with service tokens (micronaut.http.services.identity). */
@Client(id = "identity")
public interface IdentityClient {

    /** The relay's path: up to {@link PlanChangeBatch#MAX_CHANGES} changes in one request. */
    @Post(PlanChangeBatch.PATH)
    HttpResponse<PlanChangeBatch.Response> changePlans(@Header(HttpHeaders.AUTHORIZATION) String authorization,
                                                       @Header(ServiceTokens.HEADER_SERVICE) String service,
                                                       @Header(CorrelationId.HEADER) String correlationId,
                                                       @Body PlanChangeBatch.Request body);

    /** Up to {@link UserLookup#MAX_IDS} users in one request (reconciliation's batches). */
    @Post(UserLookup.PATH)
    HttpResponse<UserLookup.Response> lookup(@Header(HttpHeaders.AUTHORIZATION) String authorization,
                                             @Header(ServiceTokens.HEADER_SERVICE) String service,
                                             @Header(CorrelationId.HEADER) String correlationId,
                                             @Body UserLookup.Request body);

    @Get("/admin/users/{userId}")
    HttpResponse<UserView> user(@PathVariable String userId,
                                @Header(HttpHeaders.AUTHORIZATION) String authorization,
                                @Header(ServiceTokens.HEADER_SERVICE) String service,
                                @Header(CorrelationId.HEADER) String correlationId);
}
