package io.plansync.payment.plans;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** plansync.plans.ID.*: a plan and its price, in the currency's smallest unit. The only source of prices. */
@EachProperty("plansync.plans")
@Serdeable
public record PlanPrice(@Parameter String id, @NotBlank String name, @Min(0) long amount, @NotBlank String currency) {

    public boolean isPurchasable() {
        return amount > 0;
    }

    /** Whether a paid amount is exactly this price (Stripe sends lower-case currency codes). */
    public boolean isPaidBy(long paidAmount, String paidCurrency) {
        return paidAmount == amount && currency.equalsIgnoreCase(paidCurrency);
    }
}
