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
     * Sets the plan unless the stored one comes from a newer source event.
     *
     * @return 1 if the plan was set, 0 if the change was older than what is stored
     */
    @Query("insert into user_plans (user_id, plan, status, payment_intent_id, source_event_id, source_event_at) "
            + "values (:userId, :plan, :status, :paymentIntentId, :sourceEventId, :sourceEventAt) "
            + "on conflict (user_id) do update set plan = excluded.plan, status = excluded.status, "
            + "payment_intent_id = excluded.payment_intent_id, source_event_id = excluded.source_event_id, "
            + "source_event_at = excluded.source_event_at, updated_at = now() "
            + "where user_plans.source_event_at <= excluded.source_event_at")
    int setIfNotOlder(UUID userId, String plan, String status, @Nullable String paymentIntentId, String sourceEventId,
                      Instant sourceEventAt);

    @Query("select * from user_plans where user_id = :userId for update")
    Optional<UserPlan> findForUpdate(UUID userId);

    @MappedEntity("user_plans")
    record UserPlan(@Id UUID userId, String plan, String status, @Nullable String paymentIntentId,
                    String sourceEventId, Instant sourceEventAt, @Nullable Instant updatedAt) {
    }
}
