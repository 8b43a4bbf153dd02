package io.plansync.payment.checkout;

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

/** One Stripe customer per user: the mapping, and its audit trail. All their SQL. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface Customers extends GenericRepository<Customers.Customer, UUID> {

    @Query("select stripe_customer_id from customers where user_id = :userId")
    Optional<String> stripeCustomerId(UUID userId);

    /** The user a Stripe customer belongs to: the mapping is the only authority on whose a subscription is. */
    @Query("select user_id from customers where stripe_customer_id = :stripeCustomerId")
    Optional<UUID> userIdOf(String stripeCustomerId);

    /** The mappings of these Stripe customers (those that are mapped). */
    @Query("select * from customers where stripe_customer_id in (:stripeCustomerIds)")
    List<Customer> findByStripeCustomerIds(Collection<String> stripeCustomerIds);

    @Query("insert into customers (user_id, stripe_customer_id, created_by) "
            + "values (:userId, :stripeCustomerId, :createdBy) on conflict (user_id) do nothing")
    void insert(UUID userId, String stripeCustomerId, String createdBy);

    /** The user's mapping as a whole record. */
    @Query("select * from customers where user_id = :userId")
    Optional<Customer> mappingOf(UUID userId);

    @Query("update customers set last_validated_at = now() where user_id = :userId")
    void markValidated(UUID userId);

    /** Mappings last checked before a time, by user id after {@code after} (the daily re-validation's pages). */
    @Query("select * from customers where last_validated_at < :before and user_id > :after order by user_id "
            + "limit :limit")
    List<Customer> validatedBefore(Instant before, UUID after, int limit);

    @Query("insert into customer_mapping_audit (user_id, stripe_customer_id, action, flow, detail) "
            + "values (:userId, :stripeCustomerId, :action, :flow, :detail)")
    void audit(UUID userId, @Nullable String stripeCustomerId, String action, String flow, @Nullable String detail);

    /** Serialises first purchases of one user (transaction-scoped), so only one customer is ever created. */
    @Query("select count(*) from (select pg_advisory_xact_lock(hashtextextended('plansync.customer:' || :userId, 0))) l")
    long lockUser(String userId);

    @MappedEntity("customers")
    record Customer(@Id UUID userId, String stripeCustomerId, Instant createdAt, String createdBy, String verifiedBy,
                    Instant lastValidatedAt) {
    }
}
