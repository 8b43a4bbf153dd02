package io.plansync.payment.ledger;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where a payment stands, and how each event moves it. Stripe delivers events late, twice and out of order, so
 * every move is written to give the same end state whatever order the events of one payment arrive in: a refund is
 * final, a closed dispute is final, and an event that arrives after a later state was reached changes nothing.
 */
public enum PaymentStatus {
    CREATED, FAILED, SUCCEEDED, REFUNDED, DISPUTED, DISPUTE_WON, DISPUTE_LOST;

    /** The statuses whose payment grants its plan; the user's plan is that of their newest such payment. */
    public static final Set<PaymentStatus> GRANTING = EnumSet.of(SUCCEEDED, DISPUTE_WON);

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<PaymentStatus> fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }

    public boolean grantsPlan() {
        return GRANTING.contains(this);
    }

    /** The status after {@code effect}: this one when the event no longer changes anything. */
    public PaymentStatus after(PaymentEffect effect) {
        boolean open = this == CREATED || this == FAILED || this == SUCCEEDED || this == DISPUTED;
        return switch (effect) {
            case PAID -> this == CREATED || this == FAILED ? SUCCEEDED : this;
            case FAILED -> this == CREATED ? FAILED : this;
            case REFUNDED -> REFUNDED;
            // A dispute opened after it was closed (events out of order) does not reopen it.
            case DISPUTED -> this == CREATED || this == FAILED || this == SUCCEEDED ? DISPUTED : this;
            case DISPUTE_WON -> open ? DISPUTE_WON : this;
            case DISPUTE_LOST -> open ? DISPUTE_LOST : this;
            case NONE -> this;
        };
    }

    /** Whether the effect can make a payment grant a plan or stop granting one (so the user's plan is looked at). */
    public static boolean canChangeGrant(PaymentEffect effect) {
        return ofUnknown(effect).map(PaymentStatus::grantsPlan).orElse(false)
                || Arrays.stream(values()).anyMatch(s -> s.grantsPlan() != s.after(effect).grantsPlan());
    }

    /**
     * The status of a payment first heard of through {@code effect} (no row for it yet), if the event creates one:
     * a refund does, so that a late succeeded event of the same payment cannot grant anything; a succeeded payment
     * does only where PaymentIntents created elsewhere are accepted.
     */
    public static Optional<PaymentStatus> ofUnknown(PaymentEffect effect) {
        return switch (effect) {
            case PAID -> Optional.of(SUCCEEDED);
            case REFUNDED -> Optional.of(REFUNDED);
            default -> Optional.empty();
        };
    }
}
