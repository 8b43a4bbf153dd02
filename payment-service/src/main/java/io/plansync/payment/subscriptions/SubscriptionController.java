package io.plansync.payment.subscriptions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.plansync.payment.auth.UserIds;

/** Subscriptions for the caller: the user is the token's subject, never a value from the body. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(SecurityRule.IS_AUTHENTICATED)
public class SubscriptionController {
    private final StartSubscription startSubscription;
    private final OpenBillingPortal openBillingPortal;

    public SubscriptionController(StartSubscription startSubscription, OpenBillingPortal openBillingPortal) {
        this.startSubscription = startSubscription;
        this.openBillingPortal = openBillingPortal;
    }

    @Post("/checkout-sessions")
    public SubscriptionMessages.CheckoutSessionResponse checkout(
            Authentication authentication, @Body SubscriptionMessages.CheckoutSessionRequest request,
            @Nullable @Header("Idempotency-Key") String idempotencyKey) {
        return startSubscription.start(UserIds.of(authentication), request, idempotencyKey);
    }

    @Post("/billing-portal-sessions")
    public SubscriptionMessages.PortalSessionResponse portal(Authentication authentication) {
        return openBillingPortal.open(UserIds.of(authentication));
    }
}
