package io.plansync.payment.ledger;

import java.util.UUID;

/** A payments row as it stood when a group of events was read: who it is for, what it buys, where it stands. */
public record KnownPayment(String paymentIntentId, UUID userId, String plan, long amount, String currency,
                           PaymentStatus status) {
}
