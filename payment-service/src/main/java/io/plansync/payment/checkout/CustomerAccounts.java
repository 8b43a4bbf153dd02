package io.plansync.payment.checkout;

import com.stripe.exception.StripeException;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;

/** Each user's one Stripe customer: created on first purchase, then looked up. */
@Singleton
public class CustomerAccounts {
    private final Customers customers;
    private final StripeGateway stripe;
    private final TransactionOperations<Connection> transactions;

    public CustomerAccounts(Customers customers, StripeGateway stripe, TransactionOperations<Connection> transactions) {
        this.customers = customers;
        this.stripe = stripe;
        this.transactions = transactions;
    }

    /** The user's customer, if they have one. */
    public Optional<String> existing(UUID userId) {
        return customers.stripeCustomerId(userId);
    }

    /**
     * The user's customer, created at Stripe (with the user id in its metadata) if they have none; concurrent first
     * purchases wait for one another, so only one is ever created.
     */
    public String customerFor(UUID userId) throws StripeException {
        Optional<String> known = customers.stripeCustomerId(userId);
        if (known.isPresent()) {
            return known.get();
        }
        try {
            return transactions.executeWrite(status -> {
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
            });
        } catch (StripeFailure e) {
            throw (StripeException) e.getCause();
        }
    }

    private static final class StripeFailure extends RuntimeException {
        StripeFailure(StripeException cause) {
            super(cause);
        }
    }
}
