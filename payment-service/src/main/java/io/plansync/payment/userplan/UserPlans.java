package io.plansync.payment.userplan;

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

/** The plan each user has paid for, as payment-service knows it. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface UserPlans extends GenericRepository<UserPlans.UserPlan, UUID> {

    Optional<UserPlan> findByUserId(UUID userId);

    /**
     * Records the user's plan and queues it for identity-service in one statement (one round trip on the webhook's
     * hot path). @return the outbox row's id
     */
    @Query("with saved as (insert into user_plans (user_id, plan, status, payment_intent_id, source_event_id, "
            + "source_event_at) values (:userId, :plan, :status, :paymentIntentId, :sourceEventId, :sourceEventAt) "
            + "on conflict (user_id) do update set plan = excluded.plan, status = excluded.status, "
            + "payment_intent_id = excluded.payment_intent_id, source_event_id = excluded.source_event_id, "
            + "source_event_at = excluded.source_event_at, updated_at = now() returning user_id) "
            + "insert into outbox (user_id, plan, status, event_id, source_event_at, correlation_id) "
            + "select user_id, :plan, :status, :sourceEventId, :sourceEventAt, :correlationId from saved returning id")
    long setAndEnqueue(UUID userId, String plan, String status, @Nullable String paymentIntentId,
                       String sourceEventId, Instant sourceEventAt, @Nullable String correlationId);

    /**
     * What decides the user's plan, in one round trip: the plan recorded now, and the newest succeeded payment that
     * is not refunded (what the user has paid for). Read it only while holding {@link #lockUser}.
     */
    @Query("select up.plan as current_plan, up.source_event_at as current_event_at, p.plan as standing_plan, "
            + "p.payment_intent_id as standing_payment_intent_id from (select 1) one "
            + "left join user_plans up on up.user_id = :userId "
            + "left join lateral (select plan, payment_intent_id from payments where user_id = :userId "
            + "and status = 'succeeded' order by succeeded_at desc, payment_intent_id desc limit 1) p on true")
    PlanState planState(UUID userId);

    /** Serialises plan changes of one user (transaction-scoped), whatever events arrive at once. */
    @Query("select count(*) from (select pg_advisory_xact_lock(hashtextextended('plansync.user:' || :userId, 0))) l")
    long lockUser(String userId);

    @io.micronaut.core.annotation.Introspected
    record PlanState(@Nullable String currentPlan, @Nullable Instant currentEventAt, @Nullable String standingPlan,
                     @Nullable String standingPaymentIntentId) {
    }

    @MappedEntity("user_plans")
    record UserPlan(@Id UUID userId, String plan, String status, @Nullable String paymentIntentId,
                    String sourceEventId, Instant sourceEventAt, @Nullable Instant updatedAt) {
    }
}
