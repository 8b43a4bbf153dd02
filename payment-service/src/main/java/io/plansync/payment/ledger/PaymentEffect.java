package io.plansync.payment.ledger;

/** What a Stripe event does to the payment it names. {@link #NONE}: it is only recorded. */
public enum PaymentEffect {
    PAID, FAILED, REFUNDED, DISPUTED, DISPUTE_WON, DISPUTE_LOST, NONE;

    /** The stored form, also the value the ledger's statements compare with. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
