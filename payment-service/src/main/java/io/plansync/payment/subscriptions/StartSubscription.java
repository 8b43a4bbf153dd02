package io.plansync.payment.subscriptions;

import com.stripe.exception.StripeException;
import com.stripe.model.Subscription;
import com.stripe.model.checkout.Session;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.checkout.CustomerAccounts;
import io.plansync.payment.checkout.IdempotencyKeys;
import io.plansync.payment.checkout.StripeFailures;
import io.plansync.payment.checkout.StripeGateway;
import io.plansync.payment.plans.Interval;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.plans.PlanPrice;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts a subscription: a Stripe Checkout Session in subscription mode for the catalog price of a plan and
 * interval, on the caller's own customer, with the user id in its metadata. A user whose subscription has not ended
 * is sent to the billing portal instead (409 {@code SUBSCRIPTION_EXISTS}), where a plan is changed or canceled.
 */
@Singleton
public class StartSubscription {
    private final PlanCatalog catalog;
    private final StripeGateway stripe;
    private final CustomerAccounts customers;
    private final SubscriptionProperties properties;

    public StartSubscription(PlanCatalog catalog, StripeGateway stripe, CustomerAccounts customers,
                             SubscriptionProperties properties) {
        this.catalog = catalog;
        this.stripe = stripe;
        this.customers = customers;
        this.properties = properties;
    }

    public SubscriptionMessages.CheckoutSessionResponse start(UUID userId,
                                                              SubscriptionMessages.CheckoutSessionRequest request,
                                                              @Nullable String clientKey) {
        PlanPrice.Recurring price = priceOf(request);
        try {
            String customerId = customers.customerFor(userId, CustomerAccounts.SUBSCRIPTION_CHECKOUT);
            Optional<Subscription> open = stripe.openSubscriptions(customerId).stream()
                    .filter(s -> !SubscriptionRules.ENDED.contains(s.getStatus())
                            && !"incomplete".equals(s.getStatus()))
                    .findFirst();
            if (open.isPresent()) {
                throw new ProblemException(HttpStatus.CONFLICT, ProblemCodes.SUBSCRIPTION_EXISTS,
                        "Subscription exists", "You already have a subscription (" + open.get().getStatus()
                        + "); change or cancel it in the billing portal: POST /billing-portal-sessions.",
                        List.of(), Map.of());
            }
            PlanPrice plan = catalog.find(price.plan()).orElseThrow();
            Session session = stripe.createCheckoutSession(userId, customerId, price, plan.trialDaysOrNone(),
                    properties.successUrl(), properties.cancelUrl(), IdempotencyKeys.forStripe("plansync-cs-",
                            clientKey, userId.toString(), price.plan(), price.interval().wire()));
            return new SubscriptionMessages.CheckoutSessionResponse(session.getId(), session.getUrl());
        } catch (StripeException e) {
            throw StripeFailures.unavailable("subscription checkout", userId, e);
        }
    }

    private PlanPrice.Recurring priceOf(SubscriptionMessages.CheckoutSessionRequest request) {
        if (request.plan() == null || request.plan().isBlank()) {
            throw ProblemException.validation(List.of(new Problem.FieldError("plan", "is required")));
        }
        Interval interval = request.interval() == null ? Interval.MONTH : Interval.fromWire(request.interval())
                .orElseThrow(() -> ProblemException.validation(List.of(new Problem.FieldError("interval",
                        "must be one of " + PlanCatalog.intervals()))));
        return catalog.recurring(request.plan(), interval).orElseThrow(() -> new ProblemException(
                HttpStatus.BAD_REQUEST, ProblemCodes.PLAN_NOT_PURCHASABLE, "Plan not purchasable",
                "plan must be a paid plan sold by subscription at that interval: see subscriptions in GET /plans."));
    }
}
