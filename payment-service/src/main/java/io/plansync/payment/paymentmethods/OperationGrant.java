package io.plansync.payment.paymentmethods;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What a verified operation token allows: one category of operations, for one user and their one Stripe customer,
 * until it expires, once ({@code jti}).
 */
public record OperationGrant(UUID userId, String customerId, OperationCategory category, UUID jti,
                             Instant expiresAt) {

    /**
     * Why this grant does not cover the operation, or empty when it does: the category must be the operation's, the
     * user the session's, and the customer the one the user is mapped to now. A rule, apart from HTTP and SQL.
     */
    public Optional<String> refusalFor(OperationCategory wanted, UUID sessionUser, @Nullable String mappedCustomer) {
        if (category != wanted) {
            return Optional.of("the token is for " + category.wire() + ", not " + wanted.wire());
        }
        if (!userId.equals(sessionUser)) {
            return Optional.of("the token was issued to another user");
        }
        if (mappedCustomer == null || !customerId.equals(mappedCustomer)) {
            return Optional.of("the token was issued for another customer");
        }
        return Optional.empty();
    }
}
