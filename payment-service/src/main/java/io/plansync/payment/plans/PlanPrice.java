package io.plansync.payment.plans;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import java.util.Optional;

/**
 * plansync.plans.ID.*: a plan and its prices, in the currency's smallest unit. The only source of prices.
 *
 * @param amount         the one-time price (POST /create-payment-intent); 0 for the free plan
 * @param monthlyPriceId the Stripe Price a monthly subscription uses (null: not sold monthly)
 * @param monthlyAmount  what that Price costs, as shown to buyers and checked against Stripe's subscription
 * @param yearlyPriceId  the same for yearly
 * @param trialDays      days of trial a new subscription gets (null or 0: none)
 */
@EachProperty("plansync.plans")
@Serdeable
public record PlanPrice(@Parameter String id, @NotBlank String name, @Min(0) long amount, @NotBlank String currency,
                        @Nullable String monthlyPriceId, @Nullable @Min(1) Long monthlyAmount,
                        @Nullable String yearlyPriceId, @Nullable @Min(1) Long yearlyAmount,
                        @Nullable @Min(0) Integer trialDays) {

    /** A plan sold only once (no subscription). */
    public static PlanPrice oneTime(String id, String name, long amount, String currency) {
        return new PlanPrice(id, name, amount, currency, null, null, null, null, null);
    }

    public boolean isPurchasable() {
        return amount > 0;
    }

    /** Whether a paid amount is exactly this price (Stripe sends lower-case currency codes). */
    public boolean isPaidBy(long paidAmount, String paidCurrency) {
        return paidAmount == amount && currency.equalsIgnoreCase(paidCurrency);
    }

    /** The Stripe Price this plan is sold at per interval, if it is sold so. */
    public Optional<Recurring> recurring(Interval interval) {
        String priceId = interval == Interval.MONTH ? monthlyPriceId : yearlyPriceId;
        Long recurringAmount = interval == Interval.MONTH ? monthlyAmount : yearlyAmount;
        return priceId == null || priceId.isBlank() || recurringAmount == null ? Optional.empty()
                : Optional.of(new Recurring(id, interval, priceId, recurringAmount, currency));
    }

    /** Trial days for a new subscription, 0 if none. */
    public int trialDaysOrNone() {
        return trialDays == null ? 0 : trialDays;
    }

    /** A plan as sold by subscription: one Stripe Price, billed every interval. */
    @Serdeable
    public record Recurring(String plan, Interval interval, String priceId, long amount, String currency) {
    }
}
