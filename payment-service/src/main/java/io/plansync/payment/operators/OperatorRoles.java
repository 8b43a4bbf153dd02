package io.plansync.payment.operators;

import io.plansync.contracts.Roles;

/** Roles that may use payment-service's operator endpoints. */
public final class OperatorRoles {
    /** For {@code @Secured}: any one of them is enough. */
    public static final String ADMIN = Roles.ADMIN;
    public static final String SUPER_ADMIN = Roles.SUPER_ADMIN;
    public static final String OPERATOR = Roles.OPERATOR;

    private OperatorRoles() {
    }
}
