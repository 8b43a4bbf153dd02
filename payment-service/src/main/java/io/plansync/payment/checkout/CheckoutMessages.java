package io.plansync.payment.checkout;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** Bodies of POST /create-payment-intent. A client-sent amount is not even read: prices come from the catalog. */
public final class CheckoutMessages {
    private CheckoutMessages() {
    }

    @Serdeable
    public record CheckoutRequest(@Nullable String planType, @Nullable String userId) {
    }

    @Serdeable
    public record CheckoutResponse(String paymentIntentId, String clientSecret, long amount, String currency,
                                   String planType) {
        @Override
        public String toString() {
            return "CheckoutResponse[" + paymentIntentId + ", clientSecret=***]";
        }
    }
}
