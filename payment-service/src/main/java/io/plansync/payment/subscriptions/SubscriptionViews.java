package io.plansync.payment.subscriptions;

import io.micronaut.core.annotation.Nullable;
import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.plansync.support.sql.Sql.instant;
import static io.plansync.support.sql.Sql.uuid;

/** Reads of recorded subscriptions, for answers; the ledger alone writes them. */
@Singleton
public class SubscriptionViews {

    private final Sql sql;

    SubscriptionViews(Sql sql) {
        this.sql = sql;
    }

    /** The user's subscription that decides or last decided their plan: granting first, then the newest. */
    public Optional<Recorded> currentOf(UUID userId) {
        return sql.first("select * from subscriptions where user_id = ? order by (valid_until > now()) desc nulls "
                + "last, coalesce(stripe_created_at, created_at) desc limit 1", Recorded::read, userId);
    }

    public List<Recorded> findBySubscriptionIds(Collection<String> subscriptionIds) {
        return sql.list("select * from subscriptions where subscription_id = any(?)", Recorded::read,
                (Object) subscriptionIds.toArray(String[]::new));
    }

    public record Recorded(String subscriptionId, UUID userId, String customerId, @Nullable String priceId,
                           @Nullable String plan, String stripeStatus, String planStatus,
                           @Nullable Instant currentPeriodStart, @Nullable Instant currentPeriodEnd,
                           boolean cancelAtPeriodEnd, @Nullable Instant validUntil, @Nullable Instant stripeCreatedAt,
                           Instant refreshedAt, Instant createdAt) {
        static Recorded read(ResultSet row) throws SQLException {
            return new Recorded(row.getString("subscription_id"), uuid(row, "user_id"), row.getString("customer_id"),
                    row.getString("price_id"), row.getString("plan"), row.getString("stripe_status"),
                    row.getString("plan_status"), instant(row, "current_period_start"),
                    instant(row, "current_period_end"), row.getBoolean("cancel_at_period_end"),
                    instant(row, "valid_until"), instant(row, "stripe_created_at"), instant(row, "refreshed_at"),
                    instant(row, "created_at"));
        }
    }
}
