package io.plansync.payment.userplan;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The plan each user has paid for, as payment-service knows it, and until when (null: no end). */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface UserPlans extends GenericRepository<UserPlans.UserPlan, UUID> {

    Optional<UserPlan> findByUserId(UUID userId);

    @MappedEntity("user_plans")
    record UserPlan(@Id UUID userId, String plan, String status, @Nullable String paymentIntentId,
                    String sourceEventId, Instant sourceEventAt, @Nullable Instant updatedAt,
                    @Nullable Instant validUntil, @Nullable String subscriptionId) {
    }
}
