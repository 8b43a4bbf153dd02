package io.plansync.payment.checkout;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Payment intents this service created or heard of, and where each stands. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface Payments extends GenericRepository<Payments.Payment, String> {

    @Query("insert into payments (payment_intent_id, user_id, plan, amount, currency, status) "
            + "values (:paymentIntentId, :userId, :plan, :amount, :currency, :status) "
            + "on conflict (payment_intent_id) do nothing")
    void insertIfAbsent(String paymentIntentId, UUID userId, String plan, long amount, String currency, String status);

    Optional<Payment> findByPaymentIntentId(String paymentIntentId);

    @Query("insert into payments (payment_intent_id, user_id, plan, amount, currency, status, succeeded_at) "
            + "values (:paymentIntentId, :userId, :plan, :amount, :currency, 'succeeded', :succeededAt) "
            + "on conflict (payment_intent_id) do update set status = 'succeeded', succeeded_at = :succeededAt, "
            + "updated_at = now() where payments.status in ('created', 'failed')")
    void markSucceeded(String paymentIntentId, UUID userId, String plan, long amount, String currency,
                       Instant succeededAt);

    @Query("update payments set status = 'failed', updated_at = now() "
            + "where payment_intent_id = :paymentIntentId and status = 'created'")
    void markFailed(String paymentIntentId);

    /** Also for a payment never seen here, so that its late succeeded event cannot grant anything. */
    @Query("insert into payments (payment_intent_id, user_id, plan, amount, currency, status) "
            + "values (:paymentIntentId, :userId, 'unknown', :amount, :currency, 'refunded') "
            + "on conflict (payment_intent_id) do update set status = 'refunded', updated_at = now()")
    void markRefunded(String paymentIntentId, UUID userId, long amount, String currency);

    /** The user's newest succeeded payment that has not been refunded: what the user has paid for now. */
    @Query("select * from payments where user_id = :userId and status = 'succeeded' "
            + "order by succeeded_at desc, payment_intent_id desc limit 1")
    Optional<Payment> newestStanding(UUID userId);

    @MappedEntity("payments")
    record Payment(@Id String paymentIntentId, UUID userId, String plan, long amount, String currency, String status,
                   @Nullable Instant succeededAt, @Nullable Instant createdAt, @Nullable Instant updatedAt) {
    }
}
