package io.plansync.payment.paymentmethods;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an operation token allows: one category of payment-method operations. Coarse on purpose (read, write,
 * delete), as in the design PlanSync grew from: finer scopes make the pages brittle without bounding a stolen token
 * much further, since every token is also bound to one user and one customer and lives minutes.
 */
public enum OperationCategory {
    /** List the cards. */
    READ("payment_methods:read"),
    /** Add a card, or make one the default. */
    WRITE("payment_methods:write"),
    /** Remove a card. */
    DELETE("payment_methods:delete");

    private final String wire;

    OperationCategory(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<OperationCategory> fromWire(String value) {
        return Arrays.stream(values()).filter(c -> c.wire.equals(value)).findFirst();
    }

    /** Whether an operation of this category changes the customer's cards (counted against the unusual-activity limits). */
    public boolean changes() {
        return this != READ;
    }
}
