package io.plansync.payment.ledger;

import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanStatus;
import io.plansync.payment.userplan.UserPlanLock;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.plansync.support.sql.SqlArrays.texts;

/**
 * Every SQL statement of the ledger: the only code that writes stripe_events, payments (after checkout created
 * them), user_plans and, for plan changes, the outbox. A group of any number of entries takes the same two
 * statements, sent in one round trip: with autocommit on, PostgreSQL runs the statements up to the round trip's
 * Sync as one transaction and commits it there, so a group costs one round trip in all.
 *
 * <p>The payment moves and the plan rule's granting statuses are rendered from {@link PaymentStatus}, so the rule
 * is written once, in Java, and tested there.
 */
public final class LedgerStatements {
    /**
     * A transaction-local setting, a text[] of event ids: the events the first statement stored (the others were
     * redeliveries), read by the plan statement that follows it in the same round trip.
     */
    private static final String NEW_EVENTS = "plansync.new_events";
    private static final String GRANTING = PaymentStatus.GRANTING.stream().map(s -> "'" + s.wire() + "'")
            .sorted().collect(Collectors.joining(", ", "(", ")"));

    private LedgerStatements() {
    }

    /** What one round trip did: the events that were new, and the users whose plan changed. */
    record Written(Set<String> newEvents, Set<UUID> changedUsers) {
    }

    private static final String KNOWN = "select payment_intent_id, user_id, plan, amount, currency, status "
            + "from payments where payment_intent_id = any(?::text[])";

    /** The payments the entries name, as they stand now (read without locks: only their status changes later). */
    static Map<String, KnownPayment> known(Connection connection, Collection<String> paymentIntentIds)
            throws SQLException {
        Map<String, KnownPayment> known = new HashMap<>();
        if (paymentIntentIds.isEmpty()) {
            return known;
        }
        try (PreparedStatement statement = connection.prepareStatement(KNOWN)) {
            statement.setArray(1, texts(connection, paymentIntentIds));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Optional<PaymentStatus> status = PaymentStatus.fromWire(rows.getString(6));
                    known.put(rows.getString(1), new KnownPayment(rows.getString(1), rows.getObject(2, UUID.class),
                            rows.getString(3), rows.getLong(4), rows.getString(5),
                            status.orElseThrow(() -> new SQLException("unknown payment status"))));
                }
            }
        }
        return known;
    }

    /**
     * The first statement takes the plan locks of the group's users (in {@link LedgerRules#lockOrder}), stores each
     * event unless it was received before, and for each new one moves its payment as {@link PaymentStatus#after}
     * says (an unknown payment gets a row where {@link PaymentStatus#ofUnknown} says so). The second, started only
     * once the locks are held so that it reads the users' current payments, applies the plan rule to the users whose
     * payments the new events may have moved into or out of a granting status.
     */
    private static final String WRITE = "with input as (select * from unnest(?::text[], ?::text[], "
            + "?::timestamptz[], ?::text[], ?::text[], ?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::text[], "
            + "?::text[], ?::text[]) i(event_id, type, created_at, effect, payment_intent_id, user_id, plan, amount, "
            + "currency, outcome, reason, subscription_id)), "
            + "locked as (select count(pg_advisory_xact_lock(" + UserPlanLock.keyOf("u") + ")) "
            + "from unnest(?::text[]) u), "
            + "new_event as (insert into stripe_events (event_id, type, event_created_at, outcome, reason, "
            + "payment_intent_id, user_id, subscription_id) select i.event_id, i.type, i.created_at, i.outcome, "
            + "i.reason, i.payment_intent_id, i.user_id, i.subscription_id from input i, locked "
            + "on conflict (event_id) do nothing returning event_id), "
            // A subscription's event asks for its state to be read from Stripe again (SubscriptionStatements).
            + "refresh as (" + SubscriptionStatements.REQUEST_REFRESH + " select distinct i.subscription_id "
            + "from input i join new_event using (event_id) where i.subscription_id is not null "
            + SubscriptionStatements.ON_REFRESH_CONFLICT + " returning 1), "
            + "moving as (select i.* from input i join new_event using (event_id) where i.effect <> '"
            + PaymentEffect.NONE.wire() + "'), "
            // The new status is computed in SET, not joined: if another transaction changed the row meanwhile,
            // PostgreSQL recomputes SET from the row's newest version.
            + "moved as (update payments p set status = " + moveSql("m.effect", "p.status") + ", "
            + "succeeded_at = case when m.effect = '" + PaymentEffect.PAID.wire() + "' then m.created_at "
            + "else p.succeeded_at end, updated_at = now() from moving m "
            + "where p.payment_intent_id = m.payment_intent_id and p.status <> " + moveSql("m.effect", "p.status")
            + " returning 1), "
            + "added as (insert into payments (payment_intent_id, user_id, plan, amount, currency, status, "
            + "succeeded_at) select m.payment_intent_id, m.user_id, coalesce(m.plan, 'unknown'), m.amount, "
            + "coalesce(m.currency, 'usd'), " + unknownSql("m.effect") + ", "
            + "case when m.effect = '" + PaymentEffect.PAID.wire() + "' then m.created_at end from moving m "
            + "where " + unknownSql("m.effect") + " is not null "
            + "and not exists (select 1 from payments p where p.payment_intent_id = m.payment_intent_id) "
            + "on conflict (payment_intent_id) do update set status = "
            + moveSql(effectOfUnknownSql("excluded.status"), "payments.status") + ", updated_at = now() "
            + "where payments.status <> " + moveSql(effectOfUnknownSql("excluded.status"), "payments.status")
            + " returning 1) "
            + "select coalesce(array_agg(event_id), '{}'), "
            + "set_config('" + NEW_EVENTS + "', coalesce(array_agg(event_id), '{}')::text, true) from new_event;\n"
            + planRule("where i.event_id = any(current_setting('" + NEW_EVENTS + "')::text[])");

    /**
     * Bounds each lock wait of the transaction it runs in: a server-side lock_timeout, local to the transaction, so
     * nothing is left on the pooled connection. (A client-side query timeout cost the committer a timer task per
     * group: a quarter of its time in a profile.)
     */
    private static final String LOCK_WAIT = "select set_config('lock_timeout', ?, true);\n";

    /**
     * Writes the group (at most one entry per user, payment and event, already {@link LedgerRules#settle settled})
     * in the connection's transaction, or committed by itself when the connection is in autocommit. A wait for a
     * user's lock longer than {@code lockWait} fails it (55P03), so that a lock held elsewhere cannot stall every
     * group behind this one.
     */
    static Written write(Connection connection, List<LedgerEntry> group, Duration lockWait) throws SQLException {
        List<LedgerEntry> moving = group.stream().filter(e -> PaymentStatus.canChangeGrant(e.effect())).toList();
        try (PreparedStatement statement = connection.prepareStatement(LOCK_WAIT + WRITE)) {
            statement.setString(1, Long.toString(Math.max(1, lockWait.toMillis())));
            statement.setArray(2, texts(connection, group, LedgerEntry::eventId));
            statement.setArray(3, texts(connection, group, LedgerEntry::type));
            statement.setArray(4, texts(connection, group, e -> micros(e.createdAt())));
            statement.setArray(5, texts(connection, group, e -> e.effect().wire()));
            statement.setArray(6, texts(connection, group, LedgerEntry::paymentIntentId));
            statement.setArray(7, texts(connection, group, e -> e.userId() == null ? null : e.userId().toString()));
            statement.setArray(8, texts(connection, group, LedgerEntry::plan));
            statement.setArray(9, texts(connection, group, e -> Long.toString(e.amount())));
            statement.setArray(10, texts(connection, group, LedgerEntry::currency));
            statement.setArray(11, texts(connection, group, e -> LedgerRules.outcome(e, true).outcome()));
            statement.setArray(12, texts(connection, group, LedgerEntry::reason));
            statement.setArray(13, texts(connection, group, LedgerEntry::subscriptionId));
            statement.setArray(14, texts(connection, LedgerRules.lockOrder(group).stream().map(UUID::toString)
                    .toList()));
            statement.setArray(15, texts(connection, moving, e -> e.userId().toString()));
            statement.setArray(16, texts(connection, moving, LedgerEntry::eventId));
            statement.setArray(17, texts(connection, moving, e -> micros(e.createdAt())));
            statement.setArray(18, texts(connection, moving, LedgerEntry::correlationId));
            statement.execute();
            if (!statement.getMoreResults()) { // past the lock_timeout's row
                throw new SQLException("no result from the event statement");
            }
            Set<String> newEvents = new HashSet<>();
            try (ResultSet rows = statement.getResultSet()) {
                rows.next();
                Collections.addAll(newEvents, (String[]) rows.getArray(1).getArray());
            }
            if (!statement.getMoreResults()) {
                throw new SQLException("no result from the plan statement");
            }
            Set<UUID> changed = new HashSet<>();
            try (ResultSet rows = statement.getResultSet()) {
                while (rows.next()) {
                    changed.add(rows.getObject(1, UUID.class));
                }
            }
            return new Written(newEvents, changed);
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

    /**
     * The plan rule: a user's plan is that of their subscription that grants one now (valid_until ahead; the one
     * that lasts longest), else that of their newest payment whose status grants one
     * ({@link PaymentStatus#GRANTING}), else free, whatever order Stripe's events arrive in. A subscription's plan
     * carries its status and valid_until; a one-time plan is active and does not expire; free after a subscription
     * ended is {@code canceled}. If that differs from what is recorded now, it is recorded and queued for
     * identity-service with the event's time, but always later than the user's previous change, so identity-service
     * (which keeps the newest) ends with this plan even if earlier syncs are delivered after it. Returns the users
     * whose plan changed.
     *
     * <p>The reads are LATERAL ... LIMIT 1 so that they are always index lookups per user: a plain join let
     * PostgreSQL cache a plan made while user_plans was nearly empty (a hash join over a full scan), which cost 2-5
     * ms per call once the table had grown. {@code greatest} ignores a missing previous change.
     */
    static String planRule(String which) {
        String free = "'" + Plan.FREE.wire() + "'";
        String active = "'" + PlanStatus.ACTIVE.wire() + "'";
        String canceled = "'" + PlanStatus.CANCELED.wire() + "'";
        return "with input as (select * from unnest(?::uuid[], ?::text[], ?::timestamptz[], ?::text[]) "
                + "i(user_id, event_id, event_at, correlation_id) " + which + "), "
                + "candidate as (select i.user_id, coalesce(sub.plan, standing.plan, " + free + ") as plan, "
                + "coalesce(sub.plan_status, case when standing.plan is null and exists (select 1 from "
                + "subscriptions s where s.user_id = i.user_id) then " + canceled + " else " + active + " end) "
                + "as status, sub.valid_until, sub.subscription_id, "
                + "case when sub.plan is null then standing.payment_intent_id end as payment_intent_id, i.event_id, "
                + "greatest(i.event_at, recorded.source_event_at + interval '1 microsecond') as event_at, "
                + "i.correlation_id, recorded.plan as recorded_plan, recorded.status as recorded_status, "
                + "recorded.valid_until as recorded_valid_until from input i "
                + "left join lateral (select plan, status, valid_until, source_event_at from user_plans "
                + "where user_id = i.user_id limit 1) recorded on true "
                + "left join lateral (select plan, plan_status, valid_until, subscription_id from subscriptions "
                + "where user_id = i.user_id and valid_until > now() order by valid_until desc, subscription_id "
                + "limit 1) sub on true "
                + "left join lateral (select plan, payment_intent_id from payments where user_id = i.user_id "
                + "and status in " + GRANTING + " order by succeeded_at desc nulls last, payment_intent_id desc "
                + "limit 1) standing on true), "
                + "decided as (select * from candidate where (recorded_plan, recorded_status, recorded_valid_until) "
                + "is distinct from (plan, status, valid_until)), "
                + "saved as (insert into user_plans (user_id, plan, status, payment_intent_id, subscription_id, "
                + "valid_until, source_event_id, source_event_at) select user_id, plan, status, payment_intent_id, "
                + "subscription_id, valid_until, event_id, event_at from decided on conflict (user_id) do update set "
                + "plan = excluded.plan, status = excluded.status, payment_intent_id = excluded.payment_intent_id, "
                + "subscription_id = excluded.subscription_id, valid_until = excluded.valid_until, "
                + "source_event_id = excluded.source_event_id, source_event_at = excluded.source_event_at, "
                + "updated_at = now() returning user_id) "
                + "insert into outbox (user_id, plan, status, valid_until, event_id, source_event_at, correlation_id) "
                + "select d.user_id, d.plan, d.status, d.valid_until, d.event_id, d.event_at, d.correlation_id "
                + "from decided d join saved s using (user_id) returning user_id";
    }

    /**
     * The ledger's own statements for one accepted payment as a pgbench script (the benchmark's database ceiling),
     * so that the benchmark measures what the service runs and cannot drift from it. Each {@code ?} becomes a
     * one-element array built from pgbench variables ({@code :n} a random number, {@code :user} a user number).
     * Users are taken in turn as the benchmark's load takes them, so that the ceiling sees the same spread of users
     * and, like each of the load's events, changes a plan every time: pgbench runs it with {@code -D users=N
     * -D clients=C -D turn=-1}; client c buys for users c, c + C, c + 2C, ... of N, pro on even passes over them and
     * enterprise on odd ones. User ids are spread over the uuid space as the services' random ids are.
     */
    public static String pgbenchScript() {
        String event = "'evt_pgb_' || :client_id || '_' || :n";
        String payment = "'pi_pgb_' || :client_id || '_' || :n";
        String user = "md5('bench-user-' || :user)::uuid::text";
        String plan = "case when :odd = 1 then 'enterprise' else 'pro' end";
        String amount = "case when :odd = 1 then '9900' else '2900' end";
        List<String> write = List.of(event, "'payment_intent.succeeded'", "now()::text",
                "'" + PaymentEffect.PAID.wire() + "'", payment, user, plan, amount, "'usd'",
                "'" + Outcome.ACCEPTED + "'", "null::text", "null::text", user, user, event, "now()::text",
                "null::text");
        return "-- Generated by LedgerStatements.pgbenchScript(): one accepted payment_intent.succeeded as the ledger\n"
                + "-- records it (a group of one), in one transaction. Run with -D users=N -D clients=C -D turn=-1:\n"
                + "-- users in turn as the benchmark's load takes them, each purchase changing the user's plan.\n"
                + "\\set n random(1, 1000000000)\n"
                + "\\set turn :turn + 1\n\\set g :client_id + :clients * :turn\n"
                + "\\set user :g % :users\n\\set odd (:g / :users) % 2\n"
                + "BEGIN;\n" + bindAsArrays(KNOWN, List.of(payment)) + ";\n"
                + bindAsArrays(WRITE, write) + ";\nCOMMIT;\n";
    }

    private static String bindAsArrays(String sql, List<String> values) {
        StringBuilder bound = new StringBuilder();
        int next = 0;
        for (char c : sql.replace("\n", " ").toCharArray()) {
            if (c == '?') {
                bound.append("array[").append(values.get(next++)).append("]");
            } else {
                bound.append(c);
            }
        }
        if (next != values.size()) {
            throw new IllegalStateException("the statement takes " + next + " parameters, not " + values.size());
        }
        return bound.toString();
    }

    /** {@link PaymentStatus#after} as SQL over an effect and a status expression. */
    static String moveSql(String effect, String status) {
        StringBuilder sql = new StringBuilder("case");
        for (PaymentEffect e : PaymentEffect.values()) {
            for (PaymentStatus from : PaymentStatus.values()) {
                PaymentStatus to = from.after(e);
                if (to != from) {
                    sql.append(" when ").append(effect).append(" = '").append(e.wire()).append("' and ")
                            .append(status).append(" = '").append(from.wire()).append("' then '")
                            .append(to.wire()).append("'");
                }
            }
        }
        return sql.append(" else ").append(status).append(" end").toString();
    }

    /** {@link PaymentStatus#ofUnknown} as SQL: the status of a new row, or null. */
    private static String unknownSql(String effect) {
        return Arrays.stream(PaymentEffect.values())
                .filter(e -> PaymentStatus.ofUnknown(e).isPresent())
                .map(e -> " when " + effect + " = '" + e.wire() + "' then '" + PaymentStatus.ofUnknown(e)
                        .orElseThrow().wire() + "'")
                .collect(Collectors.joining("", "case", " end"));
    }

    /** The effect that made a new row's status (the inverse of {@link PaymentStatus#ofUnknown}), as SQL. */
    private static String effectOfUnknownSql(String status) {
        return Arrays.stream(PaymentEffect.values())
                .filter(e -> PaymentStatus.ofUnknown(e).isPresent())
                .map(e -> " when " + status + " = '" + PaymentStatus.ofUnknown(e).orElseThrow().wire() + "' then '"
                        + e.wire() + "'")
                .collect(Collectors.joining("", "case", " end"));
    }

    /** Truncated to what timestamptz holds (its input would round up): never later than the event. */
    private static String micros(java.time.Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).toString();
    }
}
