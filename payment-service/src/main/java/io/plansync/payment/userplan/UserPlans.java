package io.plansync.payment.userplan;

import io.micronaut.core.annotation.Nullable;
import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static io.plansync.support.sql.Sql.instant;
import static io.plansync.support.sql.Sql.uuid;

/** The plan each user has paid for, as payment-service knows it, and until when (null: no end). */
@Singleton
public class UserPlans {

    private final Sql sql;

    UserPlans(Sql sql) {
        this.sql = sql;
    }

    public Optional<UserPlan> findByUserId(UUID userId) {
        return sql.first("select * from user_plans where user_id = ?", UserPlan::read, userId);
    }

    public record UserPlan(UUID userId, String plan, String status, @Nullable String paymentIntentId,
                           String sourceEventId, Instant sourceEventAt, @Nullable Instant updatedAt,
                           @Nullable Instant validUntil, @Nullable String subscriptionId) {
        /** A row of user_plans. */
        public static UserPlan read(ResultSet row) throws SQLException {
            return new UserPlan(uuid(row, "user_id"), row.getString("plan"), row.getString("status"),
                    row.getString("payment_intent_id"), row.getString("source_event_id"),
                    instant(row, "source_event_at"), instant(row, "updated_at"), instant(row, "valid_until"),
                    row.getString("subscription_id"));
        }
    }
}
