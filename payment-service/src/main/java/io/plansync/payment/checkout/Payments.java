package io.plansync.payment.checkout;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.UUID;

/**
 * Payment intents this service created. Everything that happens to them afterwards is the ledger's
 * ({@link io.plansync.payment.ledger.Ledger}).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface Payments extends GenericRepository<Payments.Payment, String> {

    @Query("insert into payments (payment_intent_id, user_id, plan, amount, currency, status) "
            + "values (:paymentIntentId, :userId, :plan, :amount, :currency, :status) "
            + "on conflict (payment_intent_id) do nothing")
    void insertIfAbsent(String paymentIntentId, UUID userId, String plan, long amount, String currency, String status);

    @MappedEntity("payments")
    record Payment(@Id String paymentIntentId, UUID userId, String plan, long amount, String currency, String status,
                   @Nullable Instant succeededAt, @Nullable Instant createdAt, @Nullable Instant updatedAt) {
    }
}
