package io.plansync.payment.checkout;

import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Each user's one Stripe customer, as a sensitive record: created on first purchase (with the user id in the
 * customer's metadata, which is how it is verified), every read and change audited, and checked against Stripe again
 * before use once it is older than {@code plansync.customers.revalidate-after}; an operation on a mapping that no
 * longer checks out is refused (409 {@code MAPPING_STALE}).
 */
@Singleton
public class CustomerAccounts {
    /** What asked for the mapping, as audited. */
    public static final String PAYMENT_INTENT = "payment-intent";
    public static final String SUBSCRIPTION_CHECKOUT = "subscription-checkout";
    public static final String BILLING_PORTAL = "billing-portal";
    public static final String PAYMENT_METHODS = "payment-methods";
    public static final String DAILY = "daily";
    private static final Logger LOG = LoggerFactory.getLogger(CustomerAccounts.class);

    private final Customers customers;
    private final StripeGateway stripe;
    private final TransactionOperations<Connection> transactions;
    private final Duration revalidateAfter;

    public CustomerAccounts(Customers customers, StripeGateway stripe, TransactionOperations<Connection> transactions,
                            @Value("${plansync.customers.revalidate-after}") Duration revalidateAfter) {
        this.customers = customers;
        this.stripe = stripe;
        this.transactions = transactions;
        this.revalidateAfter = revalidateAfter;
    }

    /** The user's customer, if they have one (checked against Stripe when its last check is old). */
    public Optional<String> existing(UUID userId, String flow) throws StripeException {
        Optional<Customers.Customer> mapping = customers.mappingOf(userId);
        if (mapping.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(checked(mapping.get(), flow));
    }

    /**
     * The user's customer, created at Stripe (with the user id in its metadata) if they have none; concurrent first
     * purchases wait for one another, so only one is ever created.
     */
    public String customerFor(UUID userId, String flow) throws StripeException {
        Optional<String> known = existing(userId, flow);
        if (known.isPresent()) {
            return known.get();
        }
        try {
            return transactions.executeWrite(status -> {
                customers.lockUser(userId.toString());
                return customers.stripeCustomerId(userId).orElseGet(() -> {
                    try {
                        String id = stripe.createCustomer(userId);
                        customers.insert(userId, id, flow);
                        customers.audit(userId, id, "created", flow, null);
                        return id;
                    } catch (StripeException e) {
                        throw new StripeFailure(e);
                    }
                });
            });
        } catch (StripeFailure e) {
            throw (StripeException) e.getCause();
        }
    }

    /**
     * Checks a mapping against Stripe now: the customer exists and its metadata names the user.
     * @return whether it does (recorded as validated), else recorded as validation_failed
     */
    public boolean revalidate(Customers.Customer mapping, String flow) throws StripeException {
        Optional<String> owner;
        try {
            owner = stripe.customerOwner(mapping.stripeCustomerId());
        } catch (InvalidRequestException e) {
            if (e.getStatusCode() == null || e.getStatusCode() != 404) {
                throw e;
            }
            owner = Optional.empty();
        }
        boolean valid = owner.isPresent() && owner.get().equals(mapping.userId().toString());
        if (valid) {
            customers.markValidated(mapping.userId());
            customers.audit(mapping.userId(), mapping.stripeCustomerId(), "validated", flow, null);
        } else {
            String why = owner.isEmpty() ? "the customer is deleted or unknown at Stripe"
                    : "the customer's metadata names another user";
            customers.audit(mapping.userId(), mapping.stripeCustomerId(), "validation_failed", flow, why);
            LOG.error("Customer mapping of user {} to {} no longer checks out: {}", mapping.userId(),
                    mapping.stripeCustomerId(), why);
        }
        return valid;
    }

    private String checked(Customers.Customer mapping, String flow) throws StripeException {
        customers.audit(mapping.userId(), mapping.stripeCustomerId(), "read", flow, null);
        if (mapping.lastValidatedAt().plus(revalidateAfter).isAfter(Instant.now())) {
            return mapping.stripeCustomerId();
        }
        if (!revalidate(mapping, flow)) {
            throw new ProblemException(HttpStatus.CONFLICT, ProblemCodes.MAPPING_STALE, "Billing account stale",
                    "Your billing account could not be confirmed with the payment provider; contact support.");
        }
        return mapping.stripeCustomerId();
    }

    private static final class StripeFailure extends RuntimeException {
        StripeFailure(StripeException cause) {
            super(cause);
        }
    }
}
