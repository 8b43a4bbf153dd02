package io.plansync.payment.webhook;

import io.micronaut.core.annotation.Nullable;
import io.plansync.payment.ledger.LedgerEntry;
import io.plansync.payment.ledger.Outcome;
import io.plansync.payment.ledger.PaymentEffect;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.plans.PlanPrice;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What each Stripe event type means for the ledger, read from the event alone (the ledger then checks it against
 * the payment it names). Plain functions: the catalogue is configuration.
 */
public final class EventEntries {
    public static final String SUCCEEDED = "payment_intent.succeeded";
    public static final String FAILED = "payment_intent.payment_failed";
    public static final String REFUNDED = "charge.refunded";
    public static final String DISPUTE_CREATED = "charge.dispute.created";
    public static final String DISPUTE_CLOSED = "charge.dispute.closed";
    /** The types that move money. */
    public static final Set<String> MONEY = Set.of(SUCCEEDED, FAILED, REFUNDED, DISPUTE_CREATED, DISPUTE_CLOSED);
    public static final String CHECKOUT_COMPLETED = "checkout.session.completed";
    public static final String SUBSCRIPTION_CREATED = "customer.subscription.created";
    public static final String SUBSCRIPTION_UPDATED = "customer.subscription.updated";
    public static final String SUBSCRIPTION_DELETED = "customer.subscription.deleted";
    public static final String TRIAL_WILL_END = "customer.subscription.trial_will_end";
    public static final String INVOICE_PAID = "invoice.paid";
    public static final String INVOICE_PAYMENT_FAILED = "invoice.payment_failed";
    /**
     * The types about a subscription: each has the subscription read again from Stripe (its state, not the event's,
     * decides). paused/resumed too, since they change what it grants.
     */
    public static final Set<String> SUBSCRIPTION = Set.of(CHECKOUT_COMPLETED, SUBSCRIPTION_CREATED,
            SUBSCRIPTION_UPDATED, SUBSCRIPTION_DELETED, TRIAL_WILL_END, INVOICE_PAID, INVOICE_PAYMENT_FAILED,
            "customer.subscription.paused", "customer.subscription.resumed");
    /** The types acted on; every other type is recorded as ignored. */
    public static final Set<String> HANDLED = union(MONEY, SUBSCRIPTION);
    /** A closed dispute's statuses that leave the money with the merchant (an inquiry closed without a chargeback). */
    private static final Set<String> DISPUTE_KEPT = Set.of("won", "warning_closed");

    private EventEntries() {
    }

    /**
     * @param liveKey whether the configured Stripe key is a live one: an event from the other mode is refused (a
     *                test-mode payment must never grant a plan in production, nor the reverse)
     */
    public static LedgerEntry entryOf(StripeEvent event, PlanCatalog catalog, boolean liveKey,
                                      @Nullable String correlationId) {
        if (!HANDLED.contains(event.type())) {
            return noted(event, Outcome.IGNORED, null, null, null, correlationId);
        }
        if (event.livemode() != liveKey) {
            return noted(event, Outcome.REJECTED, "a " + mode(event.livemode()) + " event, but the configured key is "
                    + mode(liveKey), null, null, correlationId);
        }
        if (SUBSCRIPTION.contains(event.type())) {
            return subscriptionChanged(event, correlationId);
        }
        return switch (event.type()) {
            case SUCCEEDED -> succeeded(event, catalog, correlationId);
            case FAILED -> moving(event, PaymentEffect.FAILED, event.string("id").orElse(null), correlationId);
            case REFUNDED -> refunded(event, correlationId);
            case DISPUTE_CREATED -> moving(event, PaymentEffect.DISPUTED, event.string("payment_intent").orElse(null),
                    correlationId);
            default -> disputeClosed(event, correlationId);
        };
    }

    private static LedgerEntry succeeded(StripeEvent event, PlanCatalog catalog, @Nullable String correlationId) {
        String paymentIntentId = event.string("id").orElse(null);
        UUID userId = userId(event.metadata("userId"));
        if (userId == null) {
            return noted(event, Outcome.REJECTED, "metadata.userId is missing or not a user id", paymentIntentId,
                    null, correlationId);
        }
        Optional<PlanPrice> plan = catalog.find(String.valueOf(event.metadata("plan")))
                .filter(PlanPrice::isPurchasable);
        if (plan.isEmpty()) {
            return noted(event, Outcome.REJECTED, "metadata.plan is not a paid plan", paymentIntentId, userId,
                    correlationId);
        }
        if (paymentIntentId == null) {
            return noted(event, Outcome.REJECTED, "data.object.id is missing or not an id", null, userId,
                    correlationId);
        }
        long amount = event.number("amount_received").orElse(-1L);
        String currency = event.string("currency").orElse("");
        if (!plan.get().isPaidBy(amount, currency)) {
            return noted(event, Outcome.REJECTED, "paid " + amount + " " + currency + " but " + plan.get().id()
                    + " costs " + plan.get().amount() + " " + plan.get().currency(), paymentIntentId, userId,
                    correlationId);
        }
        return LedgerEntry.paid(event.id(), event.type(), event.created(), paymentIntentId, userId, plan.get().id(),
                amount, currency, correlationId);
    }

    /** The subscription the event is about, wherever its type carries it. */
    private static LedgerEntry subscriptionChanged(StripeEvent event, @Nullable String correlationId) {
        Optional<String> subscriptionId = switch (event.type()) {
            case CHECKOUT_COMPLETED -> event.string("subscription");
            case INVOICE_PAID, INVOICE_PAYMENT_FAILED -> event.string("parent", "subscription_details",
                    "subscription").or(() -> event.string("subscription"));
            default -> event.string("id");
        };
        if (subscriptionId.isEmpty()) {
            // A one-time checkout, or an invoice of no subscription: nothing PlanSync sells that way.
            return noted(event, Outcome.IGNORED, "names no subscription", null, null, correlationId);
        }
        return LedgerEntry.subscriptionChanged(event.id(), event.type(), event.created(), subscriptionId.get(),
                correlationId);
    }

    private static LedgerEntry refunded(StripeEvent event, @Nullable String correlationId) {
        long amount = event.number("amount").orElse(0L);
        boolean full = event.flag("refunded") || (amount > 0 && event.number("amount_refunded").orElse(0L) >= amount);
        String paymentIntentId = event.string("payment_intent").orElse(null);
        if (!full && paymentIntentId != null) {
            return noted(event, Outcome.RECORDED, "partial refund: plan unchanged", paymentIntentId,
                    userId(event.metadata("userId")), correlationId);
        }
        return moving(event, PaymentEffect.REFUNDED, paymentIntentId, correlationId);
    }

    private static LedgerEntry disputeClosed(StripeEvent event, @Nullable String correlationId) {
        String status = event.string("status").orElse("");
        PaymentEffect effect = DISPUTE_KEPT.contains(status) ? PaymentEffect.DISPUTE_WON
                : "lost".equals(status) ? PaymentEffect.DISPUTE_LOST : null;
        if (effect == null) {
            return noted(event, Outcome.RECORDED, "dispute closed with status '" + status + "': plan unchanged",
                    event.string("payment_intent").orElse(null), null, correlationId);
        }
        return moving(event, effect, event.string("payment_intent").orElse(null), correlationId);
    }

    private static LedgerEntry moving(StripeEvent event, PaymentEffect effect, @Nullable String paymentIntentId,
                                      @Nullable String correlationId) {
        UUID claimed = userId(event.metadata("userId"));
        if (paymentIntentId == null) {
            return effect == PaymentEffect.FAILED ? noted(event, Outcome.RECORDED, null, null, claimed, correlationId)
                    : noted(event, Outcome.REJECTED, "names no PaymentIntent", null, claimed, correlationId);
        }
        return LedgerEntry.moving(event.id(), event.type(), event.created(), effect, paymentIntentId, claimed,
                event.number("amount").orElse(0L), event.string("currency").orElse(null), correlationId);
    }

    private static LedgerEntry noted(StripeEvent event, String outcome, @Nullable String reason,
                                     @Nullable String paymentIntentId, @Nullable UUID userId,
                                     @Nullable String correlationId) {
        return LedgerEntry.noted(event.id(), event.type(), event.created(), outcome, reason, paymentIntentId, userId,
                correlationId);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static String mode(boolean live) {
        return live ? "live-mode" : "test-mode";
    }

    private static @Nullable UUID userId(@Nullable String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
