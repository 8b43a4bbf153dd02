package io.plansync.payment.webhook;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static io.plansync.payment.userplan.UserPlans.PLAN_LOCK_KEY_END;
import static io.plansync.payment.userplan.UserPlans.PLAN_LOCK_KEY_START;

/** The first statement of an accepted payment, for any number of payments at once (arrays, one round trip). */
final class SucceededPaymentStatements {
    private SucceededPaymentStatements() {
    }

    /**
     * Takes the users' plan locks (the keys of {@code UserPlans.lockUser}, in user-id order so that two groups cannot
     * deadlock, and before any row so that the plan read next is current), stores each event unless it was received
     * before, and for each new one marks its payment succeeded (a payment refunded before this late event stays
     * refunded). At most one payment per user, payment intent and event. Cancelled after {@code lockWait} (whole
     * seconds, at least one), so that a lock held elsewhere cannot stall every group behind this one.
     *
     * @return the ids of the events that were new (the others were redeliveries and changed nothing)
     */
    static Set<String> acceptNew(Connection connection, List<SucceededPayment> payments, Duration lockWait)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "with input as (select * from unnest(?::text[], ?::timestamptz[], ?::text[], ?::uuid[], ?::text[], "
                        + "?::bigint[], ?::text[]) i(event_id, created_at, payment_intent_id, user_id, plan, amount, currency)), "
                        + "locked as (select count(pg_advisory_xact_lock(" + PLAN_LOCK_KEY_START + "u"
                        + PLAN_LOCK_KEY_END + ")) "
                        + "from unnest(?::text[]) u), "
                        + "new_event as (insert into stripe_events (event_id, type, event_created_at, outcome, "
                        + "payment_intent_id, user_id) select i.event_id, 'payment_intent.succeeded', i.created_at, "
                        + "'accepted', i.payment_intent_id, i.user_id from input i, locked "
                        + "on conflict (event_id) do nothing returning event_id), "
                        + "paid as (insert into payments (payment_intent_id, user_id, plan, amount, currency, status, "
                        + "succeeded_at) select i.payment_intent_id, i.user_id, i.plan, i.amount, i.currency, 'succeeded', "
                        + "i.created_at from input i join new_event n using (event_id) "
                        + "on conflict (payment_intent_id) do update set status = 'succeeded', "
                        + "succeeded_at = excluded.succeeded_at, updated_at = now() "
                        + "where payments.status in ('created', 'failed') returning 1) "
                        + "select event_id from new_event")) {
            // Cancelled from the client after this long (no extra round trip unless it fires).
            statement.setQueryTimeout((int) Math.max(1, lockWait.toSeconds()));
            statement.setArray(1, texts(connection, payments, SucceededPayment::eventId));
            statement.setArray(2, texts(connection, payments, p -> p.eventCreatedAt().toString()));
            statement.setArray(3, texts(connection, payments, SucceededPayment::paymentIntentId));
            statement.setArray(4, texts(connection, payments, p -> p.userId().toString()));
            statement.setArray(5, texts(connection, payments, SucceededPayment::plan));
            statement.setArray(6, texts(connection, payments, p -> Long.toString(p.amount())));
            statement.setArray(7, texts(connection, payments, SucceededPayment::currency));
            statement.setArray(8, connection.createArrayOf("text", payments.stream().map(SucceededPayment::userId)
                    .map(UUID::toString).distinct().sorted().toArray()));
            Set<String> fresh = new HashSet<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    fresh.add(rows.getString(1));
                }
            }
            return fresh;
        }
    }

    /**
     * Takes, without waiting, the plan locks of the users that nobody else holds (in this transaction, until it
     * ends). @return those users
     */
    static Set<UUID> tryLockUsers(Connection connection, List<UUID> userIds) throws SQLException {
        Set<UUID> locked = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("select u from unnest(?::uuid[]) u "
                + "where pg_try_advisory_xact_lock(" + PLAN_LOCK_KEY_START + "u" + PLAN_LOCK_KEY_END + ")")) {
            statement.setArray(1, connection.createArrayOf("text", userIds.stream().map(UUID::toString).toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    locked.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return locked;
    }

    /** Arrays go as text and are cast in SQL: one encoding for every column type. */
    private static Array texts(Connection connection, List<SucceededPayment> payments,
                               Function<SucceededPayment, String> column) throws SQLException {
        return connection.createArrayOf("text", payments.stream().map(column).toArray());
    }
}
