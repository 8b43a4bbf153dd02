package io.plansync.payment.reconcile;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Event;
import com.stripe.param.EventListParams;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.ServiceTokens;
import io.plansync.contracts.UserView;
import io.plansync.payment.identity.ServiceTokenIssuer;
import io.plansync.payment.identity.IdentityClient;
import io.plansync.payment.outbox.Outbox;
import io.plansync.payment.outbox.OutboxNotifier;
import io.plansync.payment.userplan.UserPlans;
import io.plansync.payment.webhook.EventEntries;
import io.plansync.payment.webhook.HandleStripeEvent;
import io.plansync.payment.webhook.StripeEvent;
import io.plansync.support.correlation.CorrelationId;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Finds and heals drift. First it asks Stripe for the money events of the lookback window (payments, refunds,
 * disputes: {@link EventEntries#HANDLED}) and runs any the webhook never delivered through the webhook's own code
 * path; the ledger gives the same end state whatever order they arrive in. Then it compares the plan of every settled user
 * with identity-service's and enqueues an outbox row (with the payment-side event time) for each that differs.
 * One replica at a time: a PostgreSQL advisory lock, released if the replica dies.
 */
@Singleton
public class Reconcile {
    private static final Logger LOG = LoggerFactory.getLogger(Reconcile.class);
    /** The session-scoped advisory lock that lets one replica reconcile at a time. */
    static final String LOCK_KEY = "hashtext('plansync.reconcile')";

    private final Reconciliations reconciliations;
    private final Outbox outbox;
    private final OutboxNotifier notifier;
    private final IdentityClient identity;
    private final ServiceTokenIssuer tokens;
    private final StripeClient stripe;
    private final HandleStripeEvent handleStripeEvent;
    private final ReconcileProperties properties;
    private final DataSource dataSource;
    private final ReconcileMetrics metrics;

    public Reconcile(Reconciliations reconciliations, Outbox outbox, IdentityClient identity, ServiceTokenIssuer tokens,
                     StripeClient stripe, HandleStripeEvent handleStripeEvent, ReconcileProperties properties,
                     DataSource dataSource, ReconcileMetrics metrics, OutboxNotifier notifier) {
        this.notifier = notifier;
        this.reconciliations = reconciliations;
        this.outbox = outbox;
        this.identity = identity;
        this.tokens = tokens;
        this.stripe = stripe;
        this.handleStripeEvent = handleStripeEvent;
        this.properties = properties;
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.metrics = metrics;
    }

    /** Thrown when another replica is reconciling right now. */
    public static final class AlreadyRunning extends Exception {
        AlreadyRunning() {
            super("a reconciliation is already running", null, false, false);
        }
    }

    public ReconciliationReport run(boolean dryRun) throws AlreadyRunning {
        try (Connection lockHolder = dataSource.getConnection()) {
            if (!advisoryLock(lockHolder, "pg_try_advisory_lock")) {
                throw new AlreadyRunning();
            }
            try {
                ReconciliationReport report = reconcile(dryRun);
                reconciliations.record(dryRun, report.checked(), report.drifted(), report.enqueued(), report.failed(),
                        report.stripeEventsChecked(), report.stripeEventsRecovered());
                metrics.record(report);
                LOG.info("Reconciliation{}: checked {}, drifted {}, enqueued {}, failed {}; Stripe events {} "
                                + "checked, {} recovered{}", dryRun ? " (dry run)" : "", report.checked(),
                        report.drifted(), report.enqueued(), report.failed(), report.stripeEventsChecked(),
                        report.stripeEventsRecovered(), report.stripeListFailed() ? " (Stripe list FAILED)" : "");
                return report;
            } finally {
                releaseLock(lockHolder);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reconciliation could not reach its database", e);
        }
    }

    private ReconciliationReport reconcile(boolean dryRun) {
        String correlationId = CorrelationId.current().orElse("reconcile-" + UUID.randomUUID());
        int[] stripeCounts = recoverMissedEvents(dryRun);
        int checked = 0;
        int drifted = 0;
        int enqueued = 0;
        int failed = 0;
        UUID after = new UUID(0, 0);
        while (true) {
            List<UserPlans.UserPlan> batch = reconciliations.settledAfter(after, properties.batchSize());
            if (batch.isEmpty()) {
                break;
            }
            for (UserPlans.UserPlan plan : batch) {
                checked++;
                Comparison comparison = compare(plan, correlationId);
                if (comparison == Comparison.FAILED) {
                    failed++;
                } else if (comparison == Comparison.DRIFTED) {
                    drifted++;
                    if (!dryRun) {
                        outbox.enqueue(plan.userId(), plan.plan(), plan.status(), plan.validUntil(),
                                "reconcile:" + UUID.randomUUID(), plan.sourceEventAt(), correlationId);
                        notifier.rowsQueued();
                        enqueued++;
                    }
                }
            }
            after = batch.getLast().userId();
        }
        return new ReconciliationReport(dryRun, checked, drifted, enqueued, failed, stripeCounts[0], stripeCounts[1],
                stripeCounts[2] == 1);
    }

    private enum Comparison { SAME, DRIFTED, FAILED }

    private Comparison compare(UserPlans.UserPlan plan, String correlationId) {
        try {
            HttpResponse<UserView> response = identity.user(plan.userId().toString(),
                    "Bearer " + tokens.issue(Scopes.USERS_READ), ServiceTokens.CLIENT_PAYMENT_SERVICE, correlationId);
            UserView user = response.getBody().orElse(null);
            if (response.code() != 200 || user == null) {
                LOG.warn("Reconciliation: identity answered {} for user {}", response.code(), plan.userId());
                return Comparison.FAILED;
            }
            boolean same = ReconcileRules.agree(plan, user, Instant.now());
            if (!same) {
                LOG.warn("Reconciliation: user {} holds {}/{} at identity but paid for {}/{}", plan.userId(),
                        user.plan(), user.status(), plan.plan(), plan.status());
            }
            return same ? Comparison.SAME : Comparison.DRIFTED;
        } catch (HttpClientResponseException e) {
            LOG.warn("Reconciliation: identity answered {} for user {}", e.getStatus().getCode(), plan.userId());
            return Comparison.FAILED;
        } catch (HttpClientException e) {
            LOG.warn("Reconciliation: identity unreachable for user {}: {}", plan.userId(), e.getClass().getSimpleName());
            return Comparison.FAILED;
        }
    }

    /** @return {money events Stripe reported, of which never received here, 1 if Stripe could not be read} */
    private int[] recoverMissedEvents(boolean dryRun) {
        int checked = 0;
        EventListParams params = EventListParams.builder()
                .addAllType(EventEntries.HANDLED.stream().sorted().toList())
                .setCreated(EventListParams.Created.builder()
                        .setGte(Instant.now().minus(properties.stripeLookback()).getEpochSecond()).build())
                .setLimit(100L)
                .build();
        List<StripeEvent> missed = new ArrayList<>();
        try {
            for (Event event : stripe.v1().events().list(params).autoPagingIterable()) {
                checked++;
                if (reconciliations.received(event.getId()) == 0) {
                    missed.add(StripeEvent.from(event));
                }
            }
        } catch (StripeException | RuntimeException e) {
            LOG.error("Reconciliation: could not list Stripe events: {}", e.getClass().getSimpleName());
            // None recovered: a partial list (newest first) could hold a refund without its payment.
            return new int[]{checked, 0, 1};
        }
        // Stripe lists the newest first; a refund or dispute is recovered after the payment it undoes (an unknown
        // payment's refund or dispute could not be tied to its user).
        missed.sort(Comparator.comparing(StripeEvent::created).thenComparing(StripeEvent::id));
        if (!dryRun) {
            for (StripeEvent event : missed) {
                var result = handleStripeEvent.handle(event).join();
                LOG.warn("Reconciliation: recovered Stripe event {} ({}) the webhook never delivered: {}",
                        event.id(), event.type(), result.outcome());
            }
        }
        return new int[]{checked, missed.size(), 0};
    }

    /** A pooled connection must not go back to the pool still holding the lock: if unlocking fails, drop it. */
    private static void releaseLock(Connection connection) throws SQLException {
        boolean released;
        try {
            released = advisoryLock(connection, "pg_advisory_unlock");
        } catch (SQLException e) {
            released = false;
        }
        if (!released) {
            connection.abort(Runnable::run);
        }
    }

    private static boolean advisoryLock(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "select " + function + "(" + LOCK_KEY + ")");
             ResultSet result = statement.executeQuery()) {
            return result.next() && result.getBoolean(1);
        }
    }
}
