package io.plansync.payment.checkout;

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

@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(SecurityRule.IS_AUTHENTICATED)
public class CheckoutController {
    private final CreatePaymentIntent createPaymentIntent;

    public CheckoutController(CreatePaymentIntent createPaymentIntent) {
        this.createPaymentIntent = createPaymentIntent;
    }

    /** The user is the token's subject, never a value from the body. */
    @Post("/create-payment-intent")
    public CheckoutMessages.CheckoutResponse create(Authentication authentication,
                                                    @Body CheckoutMessages.CheckoutRequest request,
                                                    @Nullable @Header("Idempotency-Key") String idempotencyKey) {
        return createPaymentIntent.create(UserIds.of(authentication), request, idempotencyKey);
    }
}
