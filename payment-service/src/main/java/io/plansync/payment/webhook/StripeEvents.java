package io.plansync.payment.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.UUID;

/** Every Stripe event received, once. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface StripeEvents extends GenericRepository<StripeEvents.StoredEvent, String> {

    /** @return 1 if the event is new, 0 if it was received before (a redelivery) */
    @Query("insert into stripe_events (event_id, type, event_created_at, outcome, reason, payment_intent_id, user_id) "
            + "values (:eventId, :type, :eventCreatedAt, :outcome, :reason, :paymentIntentId, :userId) "
            + "on conflict (event_id) do nothing")
    int insertIfNew(String eventId, String type, Instant eventCreatedAt, String outcome, @Nullable String reason,
                    @Nullable String paymentIntentId, @Nullable UUID userId);

    /**
     * An accepted payment_intent.succeeded in one round trip: takes the user's plan lock first (held until the
     * transaction ends, so the plan read after it is current, and taken before any row so two events cannot
     * deadlock), stores the event unless it was received before, and only if it is new marks the payment succeeded
     * (a payment refunded before this late event stays refunded). @return 1 if the event is new, 0 if it was
     * received before (nothing changed)
     */
    @Query("with locked as (select pg_advisory_xact_lock(hashtextextended('plansync.user:' || :userId, 0))), "
            + "new_event as (insert into stripe_events (event_id, type, event_created_at, outcome, payment_intent_id, "
            + "user_id) select :eventId, 'payment_intent.succeeded', :eventCreatedAt, 'accepted', :paymentIntentId, "
            + ":userId from locked on conflict (event_id) do nothing returning event_id), "
            + "paid as (insert into payments (payment_intent_id, user_id, plan, amount, currency, status, succeeded_at) "
            + "select :paymentIntentId, :userId, :plan, :amount, :currency, 'succeeded', :eventCreatedAt from new_event "
            + "on conflict (payment_intent_id) do update set status = 'succeeded', succeeded_at = excluded.succeeded_at, "
            + "updated_at = now() where payments.status in ('created', 'failed') returning 1) "
            + "select count(*) from new_event")
    int acceptSucceededPayment(String eventId, Instant eventCreatedAt, String paymentIntentId, UUID userId, String plan,
                               long amount, String currency);

    @MappedEntity("stripe_events")
    record StoredEvent(@Id String eventId, String type, Instant eventCreatedAt, String outcome,
                       @Nullable String reason, @Nullable String paymentIntentId, @Nullable UUID userId,
                       @Nullable Instant receivedAt) {
    }
}
