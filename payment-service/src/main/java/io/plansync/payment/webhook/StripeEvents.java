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

    @MappedEntity("stripe_events")
    record StoredEvent(@Id String eventId, String type, Instant eventCreatedAt, String outcome,
                       @Nullable String reason, @Nullable String paymentIntentId, @Nullable UUID userId,
                       @Nullable Instant receivedAt) {
    }
}
