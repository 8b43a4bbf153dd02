package io.plansync.payment.checkout;

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

/** One Stripe customer per user: the mapping, and its audit trail. All their SQL. */
@Singleton
public class Customers {

    private final Sql sql;

    Customers(Sql sql) {
        this.sql = sql;
    }

    public Optional<String> stripeCustomerId(UUID userId) {
        return sql.first("select stripe_customer_id from customers where user_id = ?", row -> row.getString(1),
                userId);
    }

    /** The user a Stripe customer belongs to: the mapping is the only authority on whose a subscription is. */
    public Optional<UUID> userIdOf(String stripeCustomerId) {
        return sql.first("select user_id from customers where stripe_customer_id = ?", row -> uuid(row, "user_id"),
                stripeCustomerId);
    }

    /** The mappings of these Stripe customers (those that are mapped). */
    public List<Customer> findByStripeCustomerIds(Collection<String> stripeCustomerIds) {
        return sql.list("select * from customers where stripe_customer_id = any(?)", Customer::read,
                (Object) stripeCustomerIds.toArray(String[]::new));
    }

    public void insert(UUID userId, String stripeCustomerId, String createdBy) {
        sql.update("insert into customers (user_id, stripe_customer_id, created_by) values (?, ?, ?) "
                + "on conflict (user_id) do nothing", userId, stripeCustomerId, createdBy);
    }

    /** The user's mapping as a whole record. */
    public Optional<Customer> mappingOf(UUID userId) {
        return sql.first("select * from customers where user_id = ?", Customer::read, userId);
    }

    public void markValidated(UUID userId) {
        sql.update("update customers set last_validated_at = now() where user_id = ?", userId);
    }

    /** Mappings last checked before a time, by user id after {@code after} (the daily re-validation's pages). */
    public List<Customer> validatedBefore(Instant before, UUID after, int limit) {
        return sql.list("select * from customers where last_validated_at < ? and user_id > ? order by user_id "
                + "limit ?", Customer::read, before, after, limit);
    }

    public void audit(UUID userId, @Nullable String stripeCustomerId, String action, String flow,
                      @Nullable String detail) {
        sql.update("insert into customer_mapping_audit (user_id, stripe_customer_id, action, flow, detail) "
                + "values (?, ?, ?, ?, ?)", userId, stripeCustomerId, action, flow, detail);
    }

    /** Serialises first purchases of one user (transaction-scoped), so only one customer is ever created. */
    public long lockUser(String userId) {
        return sql.number("select count(*) from (select pg_advisory_xact_lock(hashtextextended("
                + "'plansync.customer:' || ?, 0))) l", userId);
    }

    public record Customer(UUID userId, String stripeCustomerId, Instant createdAt, String createdBy,
                           String verifiedBy, Instant lastValidatedAt) {
        static Customer read(ResultSet row) throws SQLException {
            return new Customer(uuid(row, "user_id"), row.getString("stripe_customer_id"), instant(row, "created_at"),
                    row.getString("created_by"), row.getString("verified_by"), instant(row, "last_validated_at"));
        }
    }
}
