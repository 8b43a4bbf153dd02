package io.plansync.payment.ledger;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One verified Stripe event as the ledger stores it: the event (its id is the dedupe key), what it does to the
 * payment it names, and, for an event that changes no payment ({@link PaymentEffect#NONE}), the verdict to record.
 *
 * @param userId   the user the event names (metadata), or, once {@link LedgerRules#settle settled}, the payment's
 *                 owner as this service recorded it
 * @param plan     the plan a succeeded payment buys (checked against the catalogue), else null
 * @param outcome  for {@link PaymentEffect#NONE}: recorded, ignored or rejected; else null
 * @param subscriptionId the Stripe subscription an event is about (its state is then read again from Stripe, off
 *                 the request path), else null
 */
public record LedgerEntry(String eventId, String type, Instant createdAt, PaymentEffect effect,
                          @Nullable String paymentIntentId, @Nullable UUID userId, @Nullable String plan, long amount,
                          @Nullable String currency, @Nullable String outcome, @Nullable String reason,
                          @Nullable String correlationId, @Nullable String subscriptionId) {
    public LedgerEntry {
        Objects.requireNonNull(eventId);
        Objects.requireNonNull(type);
        Objects.requireNonNull(createdAt);
        Objects.requireNonNull(effect);
        if ((effect == PaymentEffect.NONE) != (outcome != null)) {
            throw new IllegalArgumentException("an outcome is given exactly for an event that changes no payment");
        }
        if (effect != PaymentEffect.NONE && paymentIntentId == null) {
            throw new IllegalArgumentException("an event that changes a payment names it");
        }
        if (subscriptionId != null && effect != PaymentEffect.NONE) {
            throw new IllegalArgumentException("a subscription's event moves no payment itself");
        }
    }

    /** A payment_intent.succeeded whose user, plan and amount the catalogue accepted. */
    public static LedgerEntry paid(String eventId, String type, Instant createdAt, String paymentIntentId, UUID userId,
                                   String plan, long amount, String currency, @Nullable String correlationId) {
        return new LedgerEntry(eventId, type, createdAt, PaymentEffect.PAID, paymentIntentId, userId, plan, amount,
                currency, null, null, correlationId, null);
    }

    /** An event that moves a payment (failed, refunded, disputed...); its owner is looked up by the ledger. */
    public static LedgerEntry moving(String eventId, String type, Instant createdAt, PaymentEffect effect,
                                     String paymentIntentId, @Nullable UUID claimedUserId, long amount,
                                     @Nullable String currency, @Nullable String correlationId) {
        return new LedgerEntry(eventId, type, createdAt, effect, paymentIntentId, claimedUserId, null, amount,
                currency, null, null, correlationId, null);
    }

    /** An event only recorded, with its verdict and why. */
    public static LedgerEntry noted(String eventId, String type, Instant createdAt, String outcome,
                                    @Nullable String reason, @Nullable String paymentIntentId, @Nullable UUID userId,
                                    @Nullable String correlationId) {
        return new LedgerEntry(eventId, type, createdAt, PaymentEffect.NONE, paymentIntentId, userId, null, 0, null,
                outcome, reason, correlationId, null);
    }

    /**
     * An event about a subscription: recorded, and the subscription's current state is then read from Stripe (by
     * the subscription refresh, after commit), whatever the event itself says.
     */
    public static LedgerEntry subscriptionChanged(String eventId, String type, Instant createdAt,
                                                  String subscriptionId, @Nullable String correlationId) {
        return new LedgerEntry(eventId, type, createdAt, PaymentEffect.NONE, null, null, null, 0, null,
                Outcome.RECORDED, "subscription " + subscriptionId + " to be read from Stripe", correlationId,
                Objects.requireNonNull(subscriptionId));
    }

    LedgerEntry rejected(String why) {
        return new LedgerEntry(eventId, type, createdAt, PaymentEffect.NONE, paymentIntentId, userId, null, 0, null,
                Outcome.REJECTED, why, correlationId, subscriptionId);
    }

    LedgerEntry recorded(String why) {
        return new LedgerEntry(eventId, type, createdAt, PaymentEffect.NONE, paymentIntentId, userId, null, 0, null,
                Outcome.RECORDED, why, correlationId, subscriptionId);
    }

    LedgerEntry ownedBy(@Nullable UUID owner) {
        return new LedgerEntry(eventId, type, createdAt, effect, paymentIntentId, owner, plan, amount, currency,
                outcome, reason, correlationId, subscriptionId);
    }
}
