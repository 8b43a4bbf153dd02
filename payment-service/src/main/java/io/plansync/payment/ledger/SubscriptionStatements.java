package io.plansync.payment.ledger;

import io.plansync.payment.userplan.UserPlanLock;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static io.plansync.support.sql.SqlArrays.texts;

/**
 * Every SQL statement of the subscription side of the ledger: the queue of subscriptions to read again from Stripe
 * (subscription_refreshes) and the recording of what was read (subscriptions, then the plan rule's user_plans and
 * outbox rows). The webhook's statement ({@link LedgerStatements}) adds to the queue with the two fragments below.
 */
final class SubscriptionStatements {
    private static final String PENDING = "pending";
    private static final String REFUSED = "refused";

    /** The start of the webhook's insert into the queue, followed by a select of subscription ids. */
    static final String REQUEST_REFRESH = "insert into subscription_refreshes (subscription_id)";
    /**
     * A request for a subscription already queued raises its generation, so that a read that started before it
     * is not recorded (the worker reads again), and makes it due now (a refused one is tried again too).
     */
    static final String ON_REFRESH_CONFLICT = "on conflict (subscription_id) do update set "
            + "generation = subscription_refreshes.generation + 1, state = '" + PENDING + "', "
            + "next_attempt_at = now(), requested_at = now()";

    private SubscriptionStatements() {
    }

    /** Asks for these subscriptions to be read again (reconciliation's repair), as a webhook about each would. */
    static int requestRefresh(Connection connection, List<String> subscriptionIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(REQUEST_REFRESH
                + " select distinct s from unnest(?::text[]) s " + ON_REFRESH_CONFLICT)) {
            statement.setArray(1, texts(connection, subscriptionIds));
            return statement.executeUpdate();
        }
    }

    /** A queued subscription taken by a worker: its generation when taken, and the attempts so far (this one too). */
    record Claimed(String subscriptionId, long generation, int attempts) {
    }

    /**
     * Takes up to {@code limit} due subscriptions for {@code lease}: other workers (any replica) skip them until the
     * lease ends, so a worker that dies mid-read only delays them. No lock is held while Stripe is read.
     */
    static List<Claimed> claimDue(Connection connection, int limit, Duration lease) throws SQLException {
        List<Claimed> claimed = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("update subscription_refreshes r "
                + "set next_attempt_at = now() + ? * interval '1 millisecond', attempts = r.attempts + 1 "
                + "where r.subscription_id in (select subscription_id from subscription_refreshes "
                + "where state = '" + PENDING + "' and next_attempt_at <= now() order by next_attempt_at "
                + "limit ? for update skip locked) returning r.subscription_id, r.generation, r.attempts")) {
            statement.setLong(1, lease.toMillis());
            statement.setInt(2, limit);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    claimed.add(new Claimed(rows.getString(1), rows.getLong(2), rows.getInt(3)));
                }
            }
        }
        return claimed;
    }

    /**
     * Records the subscription as read and applies the plan rule to its user, then takes it off the queue, all in
     * the connection's transaction, under the user's plan lock. Nothing is written if the subscription was
     * requested again since it was taken (its generation moved): the worker reads it again instead.
     *
     * @return the users whose plan changed, or empty if the read was overtaken
     */
    static Optional<Set<UUID>> record(Connection connection, SubscriptionState state, long generation,
                                      String syncEventId) throws SQLException {
        try (PreparedStatement current = connection.prepareStatement("select generation from "
                + "subscription_refreshes where subscription_id = ? for update")) {
            current.setString(1, state.subscriptionId());
            try (ResultSet rows = current.executeQuery()) {
                if (!rows.next() || rows.getLong(1) != generation) {
                    return Optional.empty();
                }
            }
        }
        try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock("
                + UserPlanLock.keyOf("?::text") + ")")) {
            lock.setString(1, state.userId().toString());
            lock.execute();
        }
        try (PreparedStatement upsert = connection.prepareStatement("insert into subscriptions (subscription_id, "
                + "user_id, customer_id, price_id, plan, stripe_status, plan_status, current_period_start, "
                + "current_period_end, cancel_at_period_end, valid_until, stripe_created_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (subscription_id) do update set "
                + "user_id = excluded.user_id, customer_id = excluded.customer_id, price_id = excluded.price_id, "
                + "plan = excluded.plan, stripe_status = excluded.stripe_status, "
                + "plan_status = excluded.plan_status, current_period_start = excluded.current_period_start, "
                + "current_period_end = excluded.current_period_end, "
                + "cancel_at_period_end = excluded.cancel_at_period_end, valid_until = excluded.valid_until, "
                + "stripe_created_at = excluded.stripe_created_at, refreshed_at = now()")) {
            upsert.setString(1, state.subscriptionId());
            upsert.setObject(2, state.userId());
            upsert.setString(3, state.customerId());
            upsert.setString(4, state.priceId());
            upsert.setString(5, state.plan());
            upsert.setString(6, state.stripeStatus());
            upsert.setString(7, state.planStatus().wire());
            upsert.setTimestamp(8, timestamp(state.currentPeriodStart()));
            upsert.setTimestamp(9, timestamp(state.currentPeriodEnd()));
            upsert.setBoolean(10, state.cancelAtPeriodEnd());
            upsert.setTimestamp(11, timestamp(state.validUntil()));
            upsert.setTimestamp(12, timestamp(state.stripeCreatedAt()));
            upsert.executeUpdate();
        }
        Set<UUID> changed = new HashSet<>();
        try (PreparedStatement plan = connection.prepareStatement(LedgerStatements.planRule(""))) {
            plan.setArray(1, texts(connection, List.of(state.userId().toString())));
            plan.setArray(2, texts(connection, List.of(syncEventId)));
            plan.setArray(3, texts(connection, List.of(Instant.now().toString())));
            plan.setArray(4, texts(connection, java.util.Collections.singletonList((String) null)));
            try (ResultSet rows = plan.executeQuery()) {
                while (rows.next()) {
                    changed.add(rows.getObject(1, UUID.class));
                }
            }
        }
        try (PreparedStatement done = connection.prepareStatement("delete from subscription_refreshes "
                + "where subscription_id = ? and generation = ?")) {
            done.setString(1, state.subscriptionId());
            done.setLong(2, generation);
            done.executeUpdate();
        }
        return Optional.of(changed);
    }

    /**
     * A read or its recording failed: tried again at {@code nextAttemptAt}, or kept as refused (an operator's
     * matter) when {@code refused}; either way at once if it was requested again meanwhile.
     */
    static void failed(Connection connection, String subscriptionId, long generation, String error,
                       Instant nextAttemptAt, boolean refused) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("update subscription_refreshes set "
                + "last_error = ?, next_attempt_at = case when generation = ? then ? else now() end, "
                + "state = case when generation = ? and ? then '" + REFUSED + "' else '" + PENDING + "' end "
                + "where subscription_id = ?")) {
            statement.setString(1, error.length() > 500 ? error.substring(0, 500) : error);
            statement.setLong(2, generation);
            statement.setTimestamp(3, Timestamp.from(nextAttemptAt));
            statement.setLong(4, generation);
            statement.setBoolean(5, refused);
            statement.setString(6, subscriptionId);
            statement.executeUpdate();
        }
    }

    /** Subscriptions waiting to be read, and those refused. */
    static long[] queueSizes(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select count(*) filter (where state = '"
                + PENDING + "'), count(*) filter (where state = '" + REFUSED + "') from subscription_refreshes");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return new long[]{rows.getLong(1), rows.getLong(2)};
        }
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
