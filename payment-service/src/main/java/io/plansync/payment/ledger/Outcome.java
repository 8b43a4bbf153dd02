package io.plansync.payment.ledger;

import io.micronaut.core.annotation.Nullable;

/**
 * What became of an event in the ledger. {@code outcome} is the stored verdict ({@link #ACCEPTED} and the others),
 * or {@link #DUPLICATE} when the event had been received before and nothing changed.
 */
public record Outcome(String outcome, @Nullable String reason, boolean duplicate) {
    public static final String ACCEPTED = "accepted";
    public static final String RECORDED = "recorded";
    public static final String REJECTED = "rejected";
    public static final String IGNORED = "ignored";
    public static final String DUPLICATE = "duplicate";

    public static final Outcome DUPLICATE_EVENT = new Outcome(DUPLICATE, null, true);

    public boolean rejected() {
        return REJECTED.equals(outcome);
    }
}
