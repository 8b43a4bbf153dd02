package io.plansync.payment.apikeys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.payment.auth.UserIds;
import io.plansync.payment.plans.Offers;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.subscriptions.StartSubscription;
import io.plansync.payment.subscriptions.SubscriptionMessages;

import java.util.List;
import java.util.UUID;

/**
 * The developer API, for the application's own servers (authenticated by {@link ApiKeyFilter}; each endpoint needs
 * one scope): the plans on sale, what a user may do now, and starting a user's purchase.
 */
@Controller("/v1")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class DeveloperApi {
    private final PlanCatalog catalog;
    private final ReadEntitlements entitlements;
    private final StartSubscription startSubscription;
    private final KnownUsers users;

    public DeveloperApi(PlanCatalog catalog, ReadEntitlements entitlements, StartSubscription startSubscription,
                        KnownUsers users) {
        this.catalog = catalog;
        this.entitlements = entitlements;
        this.startSubscription = startSubscription;
        this.users = users;
    }

    /** The key the request was made with, as the API resolved it (no scope needed). */
    @Serdeable
    public record Me(String keyId, String name, String mode, List<String> scopes, int requestsPerMinute) {
    }

    @Get("/me")
    public Me me(@RequestAttribute(ApiCaller.ATTRIBUTE) ApiCaller caller) {
        return new Me(caller.keyId(), caller.name(), caller.mode(), caller.scopes(), caller.requestsPerMinute());
    }

    @Get("/plans")
    public List<Offers.Offer> plans(@RequestAttribute(ApiCaller.ATTRIBUTE) ApiCaller caller) {
        caller.require(ApiScope.PLANS_READ);
        return Offers.of(catalog);
    }

    @Get("/users/{id}/entitlements")
    public ReadEntitlements.Entitlements entitlements(@RequestAttribute(ApiCaller.ATTRIBUTE) ApiCaller caller,
                                                      @PathVariable String id) {
        caller.require(ApiScope.ENTITLEMENTS_READ);
        return entitlements.of(UserIds.given("id", id));
    }

    /** A Checkout Session for a user of the application, who must exist at identity-service (404 otherwise). */
    @Post("/users/{id}/checkout-sessions")
    public SubscriptionMessages.CheckoutSessionResponse checkout(
            @RequestAttribute(ApiCaller.ATTRIBUTE) ApiCaller caller, @PathVariable String id,
            @Body SubscriptionMessages.CheckoutSessionRequest request,
            @Nullable @Header("Idempotency-Key") String idempotencyKey) {
        caller.require(ApiScope.CHECKOUT_CREATE);
        UUID user = UserIds.given("id", id);
        users.requireExists(user);
        return startSubscription.start(user, request, idempotencyKey);
    }
}
