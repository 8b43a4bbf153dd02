package io.plansync.payment.subscriptions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads of recorded subscriptions, for answers; the ledger alone writes them. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SubscriptionViews extends GenericRepository<SubscriptionViews.Recorded, String> {

    /** The user's subscription that decides or last decided their plan: granting first, then the newest. */
    @Query("select * from subscriptions where user_id = :userId "
            + "order by (valid_until > now()) desc nulls last, coalesce(stripe_created_at, created_at) desc limit 1")
    Optional<Recorded> currentOf(UUID userId);

    @Query("select * from subscriptions where subscription_id in (:subscriptionIds)")
    List<Recorded> findBySubscriptionIds(Collection<String> subscriptionIds);

    @MappedEntity("subscriptions")
    record Recorded(@Id String subscriptionId, UUID userId, String customerId, @Nullable String priceId,
                    @Nullable String plan, String stripeStatus, String planStatus,
                    @Nullable Instant currentPeriodStart, @Nullable Instant currentPeriodEnd,
                    boolean cancelAtPeriodEnd, @Nullable Instant validUntil, @Nullable Instant stripeCreatedAt,
                    Instant refreshedAt, Instant createdAt) {
    }
}
