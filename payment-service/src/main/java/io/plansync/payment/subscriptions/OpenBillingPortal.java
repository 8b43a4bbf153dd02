package io.plansync.payment.subscriptions;

import com.stripe.exception.StripeException;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.checkout.CustomerAccounts;
import io.plansync.payment.checkout.StripeFailures;
import io.plansync.payment.checkout.StripeGateway;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.util.UUID;

/** Stripe's Customer Portal for the caller's own customer: change plan, payment methods, cancel. */
@Singleton
public class OpenBillingPortal {
    private final StripeGateway stripe;
    private final CustomerAccounts customers;
    private final SubscriptionProperties properties;

    public OpenBillingPortal(StripeGateway stripe, CustomerAccounts customers, SubscriptionProperties properties) {
        this.stripe = stripe;
        this.customers = customers;
        this.properties = properties;
    }

    public SubscriptionMessages.PortalSessionResponse open(UUID userId) {
        try {
            String customerId = customers.existing(userId, CustomerAccounts.BILLING_PORTAL).orElseThrow(() ->
                    new ProblemException(HttpStatus.CONFLICT, ProblemCodes.NO_BILLING_ACCOUNT, "No billing account",
                            "You have not bought anything yet: subscribe first (POST /checkout-sessions)."));
            return new SubscriptionMessages.PortalSessionResponse(
                    stripe.createPortalSession(customerId, properties.portalReturnUrl()).getUrl());
        } catch (StripeException e) {
            throw StripeFailures.unavailable("billing portal", userId, e);
        }
    }
}
