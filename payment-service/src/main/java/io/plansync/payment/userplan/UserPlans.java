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

    /** How long this transaction's lock waits may last (e.g. '2000ms'): the wait then fails with 55P03. */
    @Query("select set_config('lock_timeout', :timeout, true)")
    String limitLockWait(String timeout);

    /** Serialises plan changes of one user (transaction-scoped), whatever events arrive at once. */
    @Query("select count(*) from (select pg_advisory_xact_lock(" + UserPlanLock.KEY_OF_USER_ID_PARAMETER + ")) l")
    long lockUser(String userId);

    @MappedEntity("user_plans")
    record UserPlan(@Id UUID userId, String plan, String status, @Nullable String paymentIntentId,
                    String sourceEventId, Instant sourceEventAt, @Nullable Instant updatedAt) {
    }
}
