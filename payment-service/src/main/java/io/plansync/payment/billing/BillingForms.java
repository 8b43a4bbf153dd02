package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** What the billing pages' forms send (as JSON, from billing.js) and what they get back. */
public final class BillingForms {
    private BillingForms() {
    }

    @Serdeable
    public record Credentials(@Nullable String email, @Nullable String password) {
        @Override
        public String toString() {
            return "Credentials[" + email + ", password=***]";
        }
    }

    @Serdeable
    public record Subscribe(@Nullable String plan, @Nullable String interval) {
    }

    /** Where the page goes next: a billing page, or Stripe's. */
    @Serdeable
    public record Next(String redirect) {
    }
}
