package io.plansync.payment.reconcile;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Event;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.param.EventListParams;
import com.stripe.param.SubscriptionListParams;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.ServiceTokens;
import io.plansync.contracts.UserLookup;
import io.plansync.contracts.UserView;
import io.plansync.payment.checkout.Customers;
import io.plansync.payment.identity.IdentityClient;
import io.plansync.payment.identity.ServiceTokenIssuer;
import io.plansync.payment.ledger.SubscriptionLedger;
import io.plansync.payment.outbox.Outbox;
import io.plansync.payment.outbox.OutboxNotifier;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.subscriptions.RefreshSubscriptions;
import io.plansync.payment.subscriptions.StripeSubscription;
import io.plansync.payment.subscriptions.SubscriptionViews;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds and heals drift between Stripe, payment-service and identity-service, as a job with an id whose progress is
 * saved as it goes ({@link ReconciliationRuns}). Three phases:
 * <ol>
 *   <li>Stripe's money events of the lookback window ({@link EventEntries#HANDLED}) that the webhook never delivered
 *       are run through the webhook's own code path, oldest first;</li>
 *   <li>every subscription Stripe lists (paged, at most {@code stripe-requests-per-second}) is compared with
 *       payment-service's record of it; one behind, or never recorded, is read again through the subscription
 *       queue (which covers gaps older than Stripe's event retention: objects, not events);</li>
 *   <li>the plan of every settled user is compared with identity-service's in batches (one request per batch) and
 *       an outbox row is queued for each that differs.</li>
 * </ol>
 * Each drift is kept with its reason and repair. One run at a time across replicas: a PostgreSQL advisory lock,
 * released if the replica dies.
 */
@Singleton
public class Reconcile {
    private static final Logger LOG = LoggerFactory.getLogger(Reconcile.class);
    /** The session-scoped advisory lock that lets one replica reconcile at a time. */
    static final String LOCK_KEY = "hashtext('plansync.reconcile')";
    private static final String OUTBOX_ROW_QUEUED = "outbox row queued";
    private static final String READ_AGAIN = "subscription read from Stripe again";

    private final Reconciliations reconciliations;
    private final ReconciliationRuns runs;
    private final Outbox outbox;
    private final OutboxNotifier notifier;
    private final IdentityClient identity;
    private final ServiceTokenIssuer tokens;
    private final StripeClient stripe;
    private final HandleStripeEvent handleStripeEvent;
    private final ReconcileProperties properties;
    private final DataSource dataSource;
    private final ReconcileMetrics metrics;
    private final Customers customers;
    private final SubscriptionViews subscriptions;
    private final SubscriptionLedger subscriptionLedger;
    private final RefreshSubscriptions refreshSubscriptions;
    private final PlanCatalog catalog;

    public Reconcile(Reconciliations reconciliations, ReconciliationRuns runs, Outbox outbox,
                     IdentityClient identity, ServiceTokenIssuer tokens, StripeClient stripe,
                     HandleStripeEvent handleStripeEvent, ReconcileProperties properties, DataSource dataSource,
                     ReconcileMetrics metrics, OutboxNotifier notifier, Customers customers,
                     SubscriptionViews subscriptions, SubscriptionLedger subscriptionLedger,
                     RefreshSubscriptions refreshSubscriptions, PlanCatalog catalog) {
        this.reconciliations = reconciliations;
        this.runs = runs;
        this.outbox = outbox;
        this.notifier = notifier;
        this.identity = identity;
        this.tokens = tokens;
        this.stripe = stripe;
        this.handleStripeEvent = handleStripeEvent;
        this.properties = properties;
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.metrics = metrics;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.subscriptionLedger = subscriptionLedger;
        this.refreshSubscriptions = refreshSubscriptions;
        this.catalog = catalog;
    }

    /** Thrown when another replica is reconciling right now. */
    public static final class AlreadyRunning extends Exception {
        AlreadyRunning() {
            super("a reconciliation is already running", null, false, false);
        }
    }

    /** Runs a reconciliation to its end on this thread. @return the finished run */
    public ReconciliationRun run(boolean dryRun, String requestedBy) throws AlreadyRunning {
        Connection lockHolder = lock();
        try {
            long id = runs.start(dryRun, requestedBy);
            execute(id, dryRun, lockHolder);
            return runs.find(id).orElseThrow();
        } catch (SQLException e) {
            unlock(lockHolder);
            throw new IllegalStateException("reconciliation could not reach its database", e);
        }
    }

    /** Starts a reconciliation in the background. @return the run as it starts; follow it by its id */
    public ReconciliationRun start(boolean dryRun, String requestedBy) throws AlreadyRunning {
        Connection lockHolder = lock();
        try {
            long id = runs.start(dryRun, requestedBy);
            Thread.ofVirtual().name("reconcile-" + id).start(() -> execute(id, dryRun, lockHolder));
            return runs.find(id).orElseThrow();
        } catch (SQLException | RuntimeException e) {
            unlock(lockHolder);
            throw new IllegalStateException("reconciliation could not reach its database", e);
        }
    }

    /** The three phases, then the run's end; the lock is released whatever happens. */
    private void execute(long id, boolean dryRun, Connection lockHolder) {
        Tally tally = new Tally();
        String correlationId = CorrelationId.current().orElse("reconcile-" + id);
        try {
            runs.progress(id, "stripe-events", tally);
            recoverMissedEvents(id, dryRun, tally);
            runs.progress(id, "stripe-subscriptions", tally);
            checkSubscriptions(id, dryRun, tally);
            runs.progress(id, "identity", tally);
            compareWithIdentity(id, dryRun, tally, correlationId);
            runs.finish(id, tally, ReconciliationRun.DONE, null);
            ReconciliationRun run = runs.find(id).orElseThrow();
            metrics.record(run);
            LOG.info("Reconciliation {}{}: users {} checked, {} drifted, {} queued, {} failed; subscriptions {} "
                            + "checked, {} drifted; Stripe events {} checked, {} recovered{}", id,
                    dryRun ? " (dry run)" : "", run.checked(), run.drifted(), run.enqueued(), run.failed(),
                    run.subscriptionsChecked(), run.subscriptionsDrifted(), run.stripeEventsChecked(),
                    run.stripeEventsRecovered(), run.stripeFailed() ? " (Stripe could NOT be read)" : "");
        } catch (Exception e) {
            LOG.error("Reconciliation {} failed", id, e);
            try {
                runs.finish(id, tally, ReconciliationRun.FAILED, e.getClass().getSimpleName());
            } catch (SQLException ignored) {
                // Its heartbeat stops: it shows as abandoned.
            }
        } finally {
            unlock(lockHolder);
        }
    }

    // --- phase 1: money events the webhook never delivered ---------------------------------------------------

    private void recoverMissedEvents(long runId, boolean dryRun, Tally tally) throws SQLException {
        EventListParams params = EventListParams.builder()
                .addAllType(EventEntries.HANDLED.stream().sorted().toList())
                .setCreated(EventListParams.Created.builder()
                        .setGte(Instant.now().minus(properties.stripeLookback()).getEpochSecond()).build())
                .setLimit(100L)
                .build();
        List<StripeEvent> missed = new ArrayList<>();
        try {
            for (Event event : stripe.v1().events().list(params).autoPagingIterable()) {
                tally.stripeEventsChecked.incrementAndGet();
                if (reconciliations.received(event.getId()) == 0) {
                    missed.add(StripeEvent.from(event));
                }
            }
        } catch (StripeException | RuntimeException e) {
            LOG.error("Reconciliation: could not list Stripe events: {}", e.getClass().getSimpleName());
            // None recovered: a partial list (newest first) could hold a refund without its payment.
            tally.stripeFailed = true;
            return;
        }
        // Stripe lists the newest first; a refund or dispute is recovered after the payment it undoes.
        missed.sort(Comparator.comparing(StripeEvent::created).thenComparing(StripeEvent::id));
        List<Drift> drifts = new ArrayList<>();
        for (StripeEvent event : missed) {
            String repair = null;
            if (!dryRun) {
                repair = "recorded: " + handleStripeEvent.handle(event).join().outcome();
                LOG.warn("Reconciliation: recovered Stripe event {} ({}) the webhook never delivered: {}",
                        event.id(), event.type(), repair);
            }
            drifts.add(Drift.of(null, null, Drift.Reason.STRIPE_EVENT_MISSED, event.type() + " " + event.id(),
                    "never received", null, repair));
        }
        tally.stripeEventsRecovered.set(missed.size());
        runs.record(runId, drifts);
    }

    // --- phase 2: Stripe's subscriptions against payment-service's records -------------------------------------

    private void checkSubscriptions(long runId, boolean dryRun, Tally tally) throws SQLException {
        Bucket pace = Bucket.builder().addLimit(Bandwidth.builder()
                .capacity(properties.stripeRequestsPerSecond())
                .refillGreedy(properties.stripeRequestsPerSecond(), Duration.ofSeconds(1)).build()).build();
        String after = null;
        try {
            while (true) {
                pace.asBlocking().consume(1);
                SubscriptionListParams.Builder params = SubscriptionListParams.builder()
                        .setStatus(SubscriptionListParams.Status.ALL).setLimit(100L);
                if (after != null) {
                    params.setStartingAfter(after);
                }
                StripeCollection<Subscription> page = stripe.v1().subscriptions().list(params.build());
                List<StripeSubscription> listed = page.getData().stream().map(StripeSubscription::of).toList();
                compareSubscriptions(runId, dryRun, tally, listed);
                runs.progress(runId, "stripe-subscriptions", tally);
                if (!Boolean.TRUE.equals(page.getHasMore()) || listed.isEmpty()) {
                    return;
                }
                after = listed.getLast().id();
            }
        } catch (StripeException e) {
            LOG.error("Reconciliation: could not list Stripe subscriptions: {}", e.getClass().getSimpleName());
            tally.stripeFailed = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void compareSubscriptions(long runId, boolean dryRun, Tally tally, List<StripeSubscription> listed)
            throws SQLException {
        if (listed.isEmpty()) {
            return;
        }
        Map<String, UUID> owners = customers.findByStripeCustomerIds(listed.stream()
                        .map(StripeSubscription::customerId).distinct().toList()).stream()
                .collect(Collectors.toMap(Customers.Customer::stripeCustomerId, Customers.Customer::userId));
        Map<String, SubscriptionViews.Recorded> recorded = subscriptions.findBySubscriptionIds(listed.stream()
                        .map(StripeSubscription::id).toList()).stream()
                .collect(Collectors.toMap(SubscriptionViews.Recorded::subscriptionId, Function.identity()));
        List<Drift> drifts = new ArrayList<>();
        List<String> readAgain = new ArrayList<>();
        for (StripeSubscription s : listed) {
            tally.subscriptionsChecked.incrementAndGet();
            UUID owner = owners.get(s.customerId());
            if (owner == null) {
                // Another product on the same Stripe account is not ours to report.
                if (s.priceId() != null && catalog.byPriceId(s.priceId()).isPresent()) {
                    drifts.add(Drift.of(null, s.id(), Drift.Reason.CUSTOMER_NOT_MAPPED,
                            ReconcileRules.describe(s) + " for " + s.customerId(), "no user", null, null));
                }
                continue;
            }
            SubscriptionViews.Recorded local = recorded.get(s.id());
            ReconcileRules.subscriptionDrift(s, local).ifPresent(reason -> {
                drifts.add(Drift.of(owner, s.id(), reason, ReconcileRules.describe(s), ReconcileRules.describe(local),
                        null, dryRun ? null : READ_AGAIN));
                readAgain.add(s.id());
            });
        }
        tally.subscriptionsDrifted.addAndGet(drifts.size());
        if (!dryRun && !readAgain.isEmpty()) {
            subscriptionLedger.requestRefresh(readAgain);
            refreshSubscriptions.wake();
        }
        runs.record(runId, drifts);
    }

    // --- phase 3: payment-service's plans against identity-service's users --------------------------------------

    private void compareWithIdentity(long runId, boolean dryRun, Tally tally, String correlationId)
            throws SQLException {
        UUID after = new UUID(0, 0);
        while (true) {
            List<UserPlans.UserPlan> batch = reconciliations.settledAfter(after, properties.batchSize());
            if (batch.isEmpty()) {
                return;
            }
            compareBatch(runId, dryRun, tally, batch, correlationId);
            runs.progress(runId, "identity", tally);
            after = batch.getLast().userId();
        }
    }

    private void compareBatch(long runId, boolean dryRun, Tally tally, List<UserPlans.UserPlan> batch,
                              String correlationId) throws SQLException {
        UserLookup.Response found = lookup(batch, correlationId);
        if (found == null) {
            tally.failed.addAndGet(batch.size());
            tally.checked.addAndGet(batch.size());
            return;
        }
        Map<String, UserView> byId = found.users().stream()
                .collect(Collectors.toMap(UserView::id, Function.identity(), (a, b) -> a));
        Instant now = Instant.now();
        List<Drift> drifts = new ArrayList<>();
        for (UserPlans.UserPlan plan : batch) {
            tally.checked.incrementAndGet();
            UserView user = byId.get(plan.userId().toString());
            if (user == null) {
                tally.drifted.incrementAndGet();
                drifts.add(Drift.of(plan.userId(), plan.subscriptionId(), Drift.Reason.UNKNOWN_AT_IDENTITY, null,
                        ReconcileRules.describe(plan), "no such user", null));
            } else if (!ReconcileRules.agree(plan, user, now)) {
                tally.drifted.incrementAndGet();
                if (!dryRun) {
                    outbox.enqueue(plan.userId(), plan.plan(), plan.status(), plan.validUntil(),
                            "reconcile:" + UUID.randomUUID(), plan.sourceEventAt(), correlationId);
                    tally.enqueued.incrementAndGet();
                }
                drifts.add(Drift.of(plan.userId(), plan.subscriptionId(), Drift.Reason.IDENTITY_DIFFERS, null,
                        ReconcileRules.describe(plan), ReconcileRules.describe(user),
                        dryRun ? null : OUTBOX_ROW_QUEUED));
            }
        }
        if (!dryRun && drifts.stream().anyMatch(d -> OUTBOX_ROW_QUEUED.equals(d.repair()))) {
            notifier.rowsQueued();
        }
        runs.record(runId, drifts);
    }

    /** The batch's users at identity-service in one request, or null when it cannot be asked. */
    private UserLookup.Response lookup(List<UserPlans.UserPlan> batch, String correlationId) {
        try {
            HttpResponse<UserLookup.Response> response = identity.lookup(
                    "Bearer " + tokens.issue(Scopes.USERS_READ), ServiceTokens.CLIENT_PAYMENT_SERVICE, correlationId,
                    new UserLookup.Request(batch.stream().map(p -> p.userId().toString()).toList()));
            if (response.code() != 200 || response.getBody().isEmpty()) {
                LOG.warn("Reconciliation: identity answered {} to a lookup of {} users", response.code(),
                        batch.size());
                return null;
            }
            return response.getBody().get();
        } catch (HttpClientResponseException e) {
            LOG.warn("Reconciliation: identity answered {} to a lookup of {} users", e.getStatus().getCode(),
                    batch.size());
            return null;
        } catch (HttpClientException e) {
            LOG.warn("Reconciliation: identity unreachable for a lookup of {} users: {}", batch.size(),
                    e.getClass().getSimpleName());
            return null;
        }
    }

    // --- the lock --------------------------------------------------------------------------------------------

    private Connection lock() throws AlreadyRunning {
        try {
            Connection lockHolder = dataSource.getConnection();
            lockHolder.setAutoCommit(true);
            if (!advisoryLock(lockHolder, "pg_try_advisory_lock")) {
                lockHolder.close();
                throw new AlreadyRunning();
            }
            return lockHolder;
        } catch (SQLException e) {
            throw new IllegalStateException("reconciliation could not reach its database", e);
        }
    }

    /** A pooled connection must not go back to the pool still holding the lock: if unlocking fails, drop it. */
    private static void unlock(Connection connection) {
        try (connection) {
            boolean released;
            try {
                released = advisoryLock(connection, "pg_advisory_unlock");
            } catch (SQLException e) {
                released = false;
            }
            if (!released) {
                connection.abort(Runnable::run);
            }
        } catch (SQLException e) {
            LOG.warn("Reconciliation lock release failed ({}); its connection was dropped",
                    e.getClass().getSimpleName());
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
