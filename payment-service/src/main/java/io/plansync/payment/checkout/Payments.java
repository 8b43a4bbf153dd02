package io.plansync.payment.checkout;

import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.util.UUID;

/**
 * Payment intents this service created. Everything that happens to them afterwards is the ledger's
 * ({@link io.plansync.payment.ledger.Ledger}).
 */
@Singleton
public class Payments {

    private final Sql sql;

    Payments(Sql sql) {
        this.sql = sql;
    }

    public void insertIfAbsent(String paymentIntentId, UUID userId, String plan, long amount, String currency,
                               String status) {
        sql.update("insert into payments (payment_intent_id, user_id, plan, amount, currency, status) "
                + "values (?, ?, ?, ?, ?, ?) on conflict (payment_intent_id) do nothing", paymentIntentId, userId, plan,
                amount, currency, status);
    }
}
