package io.plansync.payment.checkout;

import com.stripe.exception.StripeException;
import com.stripe.model.PaymentIntent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.plans.PlanPrice;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Starts a purchase: a Stripe PaymentIntent for the catalog price of a plan, for the authenticated user only, on
 * that user's single Stripe customer, recorded locally.
 */
@Singleton
public class CreatePaymentIntent {
    private static final Logger LOG = LoggerFactory.getLogger(CreatePaymentIntent.class);

    private final PlanCatalog catalog;
    private final StripeGateway stripe;
    private final Customers customers;
    private final Payments payments;
    private final TransactionOperations<Connection> transactions;

    public CreatePaymentIntent(PlanCatalog catalog, StripeGateway stripe, Customers customers, Payments payments,
                               TransactionOperations<Connection> transactions) {
        this.catalog = catalog;
        this.stripe = stripe;
        this.customers = customers;
        this.payments = payments;
        this.transactions = transactions;
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
            String customerId = customerFor(userId);
            PaymentIntent intent = stripe.createPaymentIntent(userId, customerId, plan,
                    idempotencyKey(userId, plan, clientKey));
            payments.insertIfAbsent(intent.getId(), userId, plan.id(), plan.amount(), plan.currency(), "created");
            return new CheckoutMessages.CheckoutResponse(intent.getId(), intent.getClientSecret(), plan.amount(),
                    plan.currency(), plan.id());
        } catch (StripeException | StripeFailure e) {
            StripeException cause = e instanceof StripeFailure f ? (StripeException) f.getCause() : (StripeException) e;
            LOG.error("Stripe call failed during checkout for user {}: {} (HTTP {}, code {})", userId,
                    cause.getClass().getSimpleName(), cause.getStatusCode(), cause.getCode());
            throw new ProblemException(HttpStatus.BAD_GATEWAY, ProblemCodes.STRIPE_UNAVAILABLE, "Stripe unavailable",
                    "The payment provider could not be reached; nothing was charged. Try again.");
        }
    }

    /** The user's Stripe customer, created on first purchase; concurrent first purchases wait for one another. */
    private String customerFor(UUID userId) {
        return customers.stripeCustomerId(userId).orElseGet(() -> transactions.executeWrite(status -> {
            customers.lockUser(userId.toString());
            return customers.stripeCustomerId(userId).orElseGet(() -> {
                try {
                    String id = stripe.createCustomer(userId);
                    customers.insert(userId, id);
                    return id;
                } catch (StripeException e) {
                    throw new StripeFailure(e);
                }
            });
        }));
    }

    private static String idempotencyKey(UUID userId, PlanPrice plan, @Nullable String clientKey) {
        if (clientKey == null || clientKey.isBlank()) {
            // Still one key per request: stripe-java's own network retries reuse it.
            return "plansync-pi-" + UUID.randomUUID();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (userId + "|" + plan.id() + "|" + clientKey).getBytes(StandardCharsets.UTF_8));
            return "plansync-pi-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class StripeFailure extends RuntimeException {
        StripeFailure(StripeException cause) {
            super(cause);
        }
    }
}
