package io.plansync.payment.ledger;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * plansync.ledger.*: {@code accept-external-payment-intents} (PLANSYNC_ACCEPT_EXTERNAL_PAYMENT_INTENTS, default
 * false) lets a succeeded PaymentIntent this service did not create (Payment Links, the Dashboard) grant the plan
 * its metadata names when the catalogue's amount was paid; otherwise such a payment is recorded as rejected.
 */
@ConfigurationProperties("plansync.ledger")
public record LedgerProperties(boolean acceptExternalPaymentIntents) {
}
