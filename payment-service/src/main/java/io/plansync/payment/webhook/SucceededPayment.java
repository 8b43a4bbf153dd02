package io.plansync.payment.webhook;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.UUID;

/** A payment_intent.succeeded whose user, plan and amount were checked against the catalogue: ready to accept. */
record SucceededPayment(String eventId, Instant eventCreatedAt, String paymentIntentId, UUID userId, String plan,
                        long amount, String currency, @Nullable String correlationId) {
}
