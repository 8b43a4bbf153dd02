package io.plansync.payment.reconcile;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Locale;
import java.util.UUID;

/**
 * One disagreement a reconciliation found, what each side says (Stripe, payment-service, identity-service) and the
 * repair made (null in a dry run, or when it is only reported).
 */
@Serdeable
public record Drift(@Nullable UUID userId, @Nullable String subscriptionId, String reason,
                    @Nullable String stripeSide, @Nullable String paymentSide, @Nullable String identitySide,
                    @Nullable String repair) {

    /** Why it is a drift. The wire value is the lower-case name. */
    public enum Reason {
        /** identity-service shows another plan, status or validUntil than payment-service recorded: resent. */
        IDENTITY_DIFFERS,
        /** identity-service has no such user: reported (an operator's matter; a resend would be refused). */
        UNKNOWN_AT_IDENTITY,
        /** Stripe has a subscription of a mapped customer that payment-service never recorded: read again. */
        SUBSCRIPTION_NOT_RECORDED,
        /** payment-service's record of a subscription differs from Stripe's: read again. */
        SUBSCRIPTION_STALE,
        /** A subscription to a catalog price whose customer is no user's here: reported. */
        CUSTOMER_NOT_MAPPED,
        /** A money event Stripe sent that never reached the webhook: recorded now. */
        STRIPE_EVENT_MISSED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Drift of(@Nullable UUID userId, @Nullable String subscriptionId, Reason reason, @Nullable String stripe,
                    @Nullable String payment, @Nullable String identity, @Nullable String repair) {
        return new Drift(userId, subscriptionId, reason.wire(), stripe, payment, identity, repair);
    }
}
