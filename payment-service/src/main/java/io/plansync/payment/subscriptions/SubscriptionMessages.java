package io.plansync.payment.subscriptions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** Bodies of POST /checkout-sessions and POST /billing-portal-sessions. Prices never come from the client. */
public final class SubscriptionMessages {
    private SubscriptionMessages() {
    }

    /** {@code plan}: a paid plan of GET /plans; {@code interval}: month or year (default month). */
    @Serdeable
    public record CheckoutSessionRequest(@Nullable String plan, @Nullable String interval) {
    }

    /** Where to send the buyer: Stripe Checkout's hosted page. */
    @Serdeable
    public record CheckoutSessionResponse(String id, String url) {
    }

    /** Where to send the customer: Stripe's Customer Portal. */
    @Serdeable
    public record PortalSessionResponse(String url) {
    }
}
