package io.plansync.payment.webhook;

import io.plansync.payment.userplan.PlanChangeRecorder;
import io.plansync.payment.userplan.UserPlanLock;
import io.plansync.payment.userplan.UserPlanStatements;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.plansync.support.sql.SqlArrays.texts;

/**
 * The statements of accepted payments, for any number of payments at once (arrays), sent in one round trip: with
 * autocommit on, PostgreSQL runs the statements up to the round trip's Sync as one transaction and commits it there,
 * so a group of payments costs one round trip in all.
 */
final class SucceededPaymentStatements {
    private SucceededPaymentStatements() {
    }

    /** What one round trip did: the events that were new (the others were redeliveries), the users whose plan changed. */
    record Accepted(Set<String> newEvents, Set<UUID> changedUsers) {
    }

    /**
     * The first statement takes the users' plan locks (the keys of {@link UserPlanLock}, in user-id order so
     * that two groups cannot deadlock), stores each event unless it was received before, for each new one marks its
     * payment succeeded (a payment refunded before this late event stays refunded), and leaves the new events' ids
     * in {@link UserPlanStatements#ACCEPTED_EVENTS}. The second, started only once the locks are held so that it reads
     * the users' current payments, records and queues the plans those events changed.
     */
    private static final String ACCEPT_WITH_PLANS = "with input as (select * from unnest(?::text[], "
            + "?::timestamptz[], ?::text[], ?::uuid[], ?::text[], ?::bigint[], ?::text[]) "
            + "i(event_id, created_at, payment_intent_id, user_id, plan, amount, currency)), "
            + "locked as (select count(pg_advisory_xact_lock(" + UserPlanLock.keyOf("u") + ")) "
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
            + "select accepted, set_config('" + UserPlanStatements.ACCEPTED_EVENTS + "', accepted::text, true) "
            + "from (select coalesce(array_agg(event_id), '{}') accepted from new_event) n;\n"
            + UserPlanStatements.RECORD_FOR_ACCEPTED_EVENTS;

    /**
     * Accepts the payments (at most one per user, payment intent and event) with their plan changes, in the
     * connection's transaction, or committed by itself when the connection is in autocommit. Cancelled after
     * {@code lockWait} (whole seconds, at least one), so that a lock held elsewhere cannot stall every group behind
     * this one.
     */
    static Accepted acceptWithPlans(Connection connection, List<SucceededPayment> payments, Duration lockWait)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(ACCEPT_WITH_PLANS)) {
            // Cancelled from the client after this long (no extra round trip unless it fires).
            statement.setQueryTimeout((int) Math.max(1, lockWait.toSeconds()));
            statement.setArray(1, texts(connection, payments, SucceededPayment::eventId));
            statement.setArray(2, texts(connection, payments, p -> p.eventCreatedAt().toString()));
            statement.setArray(3, texts(connection, payments, SucceededPayment::paymentIntentId));
            statement.setArray(4, texts(connection, payments, p -> p.userId().toString()));
            statement.setArray(5, texts(connection, payments, SucceededPayment::plan));
            statement.setArray(6, texts(connection, payments, p -> Long.toString(p.amount())));
            statement.setArray(7, texts(connection, payments, SucceededPayment::currency));
            statement.setArray(8, texts(connection, payments.stream().map(SucceededPayment::userId)
                    .map(UUID::toString).distinct().sorted().toList()));
            UserPlanStatements.bind(statement, 9, payments.stream()
                    .map(p -> new PlanChangeRecorder.PaymentsChange(p.userId(), p.eventId(), p.eventCreatedAt(),
                            p.correlationId()))
                    .toList());
            statement.execute();
            Set<String> newEvents = new HashSet<>();
            try (ResultSet rows = statement.getResultSet()) {
                rows.next();
                Collections.addAll(newEvents, (String[]) rows.getArray(1).getArray());
            }
            if (!statement.getMoreResults()) {
                throw new SQLException("no result from the plan statement");
            }
            try (ResultSet rows = statement.getResultSet()) {
                return new Accepted(newEvents, UserPlanStatements.changedUsers(rows));
            }
        }
    }

    /**
     * Takes, without waiting, the plan locks of the users that nobody else holds (in this transaction, until it
     * ends). @return those users
     */
    static Set<UUID> tryLockUsers(Connection connection, List<UUID> userIds) throws SQLException {
        Set<UUID> locked = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("select u from unnest(?::uuid[]) u "
                + "where pg_try_advisory_xact_lock(" + UserPlanLock.keyOf("u") + ")")) {
            statement.setArray(1, texts(connection, userIds, UUID::toString));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    locked.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return locked;
    }
}
