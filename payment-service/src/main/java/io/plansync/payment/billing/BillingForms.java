package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** What the billing pages' forms send (as JSON, from billing.js) and what they get back. */
public final class BillingForms {
    private BillingForms() {
    }

    /** {@code next}: the page to go to after signing in, when it is one a sign-in may return to. */
    @Serdeable
    public record Credentials(@Nullable String email, @Nullable String password, @Nullable String next) {
        @Override
        public String toString() {
            return "Credentials[" + email + ", password=***, next=" + next + "]";
        }
    }

    @Serdeable
    public record Subscribe(@Nullable String plan, @Nullable String interval) {
    }

    /** An operation token asked for: {@code payment_methods:read}, {@code :write} or {@code :delete}. */
    @Serdeable
    public record OperationTokenRequest(@Nullable String category) {
    }

    /** The token, for one request of that category, and when it expires. */
    @Serdeable
    public record OperationToken(String token, String category, java.time.Instant expiresAt) {
    }

    /** Where the page goes next: a billing page, or Stripe's. */
    @Serdeable
    public record Next(String redirect) {
    }
}
