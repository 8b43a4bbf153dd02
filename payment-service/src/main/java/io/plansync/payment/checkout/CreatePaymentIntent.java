package io.plansync.payment.checkout;

import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.plans.PlanPrice;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.UUID;

/**
 * Starts a purchase: a Stripe PaymentIntent for the catalog price of a plan, for the authenticated user only, on
 * that user's single Stripe customer, recorded locally.
 */
@Singleton
public class CreatePaymentIntent {
    private final PlanCatalog catalog;
    private final StripeGateway stripe;
    private final CustomerAccounts customers;
    private final Payments payments;

    public CreatePaymentIntent(PlanCatalog catalog, StripeGateway stripe, CustomerAccounts customers,
                               Payments payments) {
        this.catalog = catalog;
        this.stripe = stripe;
        this.customers = customers;
        this.payments = payments;
    }

    /**
     * @param clientKey the client's Idempotency-Key header, if any: the same key gives the same PaymentIntent
     */
    public CheckoutMessages.CheckoutResponse create(UUID userId, CheckoutMessages.CheckoutRequest request,
                                                    @Nullable String clientKey) {
        if (request.userId() != null && !request.userId().equals(userId.toString())) {
            throw new ProblemException(HttpStatus.FORBIDDEN, ProblemCodes.FORBIDDEN, "Forbidden",
                    "You can only buy a plan for yourself.");
        }
        if (request.planType() == null || request.planType().isBlank()) {
            throw ProblemException.validation(List.of(new Problem.FieldError("planType", "is required")));
        }
        PlanPrice plan = catalog.find(request.planType())
                .filter(PlanPrice::isPurchasable)
                .orElseThrow(() -> new ProblemException(HttpStatus.BAD_REQUEST, ProblemCodes.PLAN_NOT_PURCHASABLE,
                        "Plan not purchasable", "planType must be a paid plan from GET /plans."));
        try {
            String customerId = customers.customerFor(userId, CustomerAccounts.PAYMENT_INTENT);
            PaymentIntent intent = stripe.createPaymentIntent(userId, customerId, plan,
                    idempotencyKey(userId, plan, clientKey));
            payments.insertIfAbsent(intent.getId(), userId, plan.id(), plan.amount(), plan.currency(), "created");
            return new CheckoutMessages.CheckoutResponse(intent.getId(), intent.getClientSecret(), plan.amount(),
                    plan.currency(), plan.id());
        } catch (StripeException e) {
            throw StripeFailures.unavailable("checkout", userId, e);
        }
    }

    private static String idempotencyKey(UUID userId, PlanPrice plan, @Nullable String clientKey) {
        return IdempotencyKeys.forStripe("plansync-pi-", clientKey, userId.toString(), plan.id());
    }
}
