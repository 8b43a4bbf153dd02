package io.plansync.payment.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpStatus;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.outbox.OutboxNotifier;
import io.plansync.support.problem.ProblemException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Accepts succeeded payments with group commit: the payments that arrive while a transaction is running wait and
 * are then committed together in one transaction (two statements and their commit in one round trip for the whole
 * group), each webhook still answered only after its own event committed. A waiting webhook holds no thread. Under
 * load this spends one commit and one round trip on many events instead of on each; alone, an event waits for
 * nobody.
 *
 * <p>Each payment gets exactly what it would get in a transaction of its own: a group holds at most one event per
 * user, payment intent and event id (later ones go in the next group), and takes the users' locks in one order.
 * If a group's transaction fails, each of its payments is retried in a transaction of its own, so one bad event
 * cannot fail the others; if it waited longer than lock-wait for a user's lock, only that user's event is left out.
 *
 * <p>At most queue-capacity events wait; further ones, and any that arrive once the service is shutting down, are
 * answered 503 with Retry-After at once (Stripe redelivers) while the waiting ones are still committed.
 */
@Singleton
public class AcceptSucceededPayments implements GracefulShutdownCapable {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptSucceededPayments.class);

    private final DataSource dataSource;
    private final OutboxNotifier notifier;
    private final TransactionOperations<Connection> transactions;
    private final int maxEvents;
    private final Duration lockWait;
    private final Duration answerWithin;
    private final DistributionSummary groupSizes;
    private final Counter splitGroups;
    private final BlockingQueue<Waiting> queue;
    private final List<Thread> committers = new ArrayList<>();
    private volatile boolean running = true;
    private volatile boolean accepting = true;

    public AcceptSucceededPayments(DataSource dataSource, OutboxNotifier notifier,
                                   TransactionOperations<Connection> transactions, GroupCommitProperties properties,
                                   MeterRegistry metrics) {
        // The pool itself, not the transaction-aware proxy: a group commits by itself, in autocommit.
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.notifier = notifier;
        this.transactions = transactions;
        this.maxEvents = properties.maxEvents();
        this.lockWait = properties.lockWait();
        this.answerWithin = properties.answerWithin();
        this.queue = new LinkedBlockingQueue<>(properties.queueCapacity());
        if (lockWait.toMillis() < 1 || answerWithin.compareTo(lockWait.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("plansync.webhook.group-commit: lock-wait must be positive and "
                    + "answer-within more than twice lock-wait");
        }
        this.groupSizes = DistributionSummary.builder("plansync.webhook.group.events")
                .description("Payment events committed in one transaction").register(metrics);
        this.splitGroups = Counter.builder("plansync.webhook.group.split")
                .description("Groups whose transaction failed, so that each event was retried alone").register(metrics);
        Gauge.builder("plansync.webhook.group.waiting", queue, BlockingQueue::size)
                .description("Payment events waiting for a transaction").register(metrics);
        for (int i = 0; i < properties.committers(); i++) {
            committers.add(Thread.ofPlatform().name("webhook-commit-" + i).daemon(true).start(this::commitQueued));
        }
    }

    private record Waiting(SucceededPayment payment, CompletableFuture<HandleStripeEvent.Result> result) {
    }

    /**
     * Queues the payment for the next group; the future completes once its event has committed (or was found to be
     * a redelivery), or fails if it could not be committed. No thread waits for it in the meantime.
     */
    CompletableFuture<HandleStripeEvent.Result> submit(SucceededPayment payment) {
        Waiting waiting = new Waiting(payment, new CompletableFuture<>());
        if (!accepting || !queue.offer(waiting)) {
            return CompletableFuture.failedFuture(unavailable());
        }
        if (!running && queue.remove(waiting)) {
            // Shutting down and no committer took it: commit it on a thread of its own.
            Thread.ofVirtual().start(() -> commit(List.of(waiting)));
        }
        // A webhook never waits without end (a lock held by a frozen replica, a stuck database): it gets a 5xx and
        // Stripe redelivers; if its event commits after all, the redelivery is a duplicate.
        return waiting.result().orTimeout(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void commitQueued() {
        List<Waiting> taken = new ArrayList<>(maxEvents);
        while (running || !queue.isEmpty()) {
            try {
                Waiting first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                queue.drainTo(taken, maxEvents - 1);
                for (List<Waiting> group : groups(taken)) {
                    commit(group);
                }
            } catch (InterruptedException e) {
                // Nothing interrupts a committer on purpose; one that left would leave every webhook waiting.
                LOG.warn("Payment committer interrupted; it carries on");
            } catch (Throwable e) {
                // Never leave a webhook waiting: whatever went wrong, answer it (Stripe will redeliver).
                taken.forEach(w -> w.result().completeExceptionally(e));
            } finally {
                taken.clear();
            }
        }
    }

    /** Splits the taken payments, in arrival order, into groups with no user, payment intent or event twice. */
    private static List<List<Waiting>> groups(List<Waiting> taken) {
        List<List<Waiting>> groups = new ArrayList<>();
        List<Set<Object>> keys = new ArrayList<>();
        for (Waiting waiting : taken) {
            SucceededPayment p = waiting.payment();
            List<Object> own = List.of(p.userId(), "pi:" + p.paymentIntentId(), "evt:" + p.eventId());
            int i = 0;
            while (i < groups.size() && own.stream().anyMatch(keys.get(i)::contains)) {
                i++;
            }
            if (i == groups.size()) {
                groups.add(new ArrayList<>());
                keys.add(new HashSet<>());
            }
            groups.get(i).add(waiting);
            keys.get(i).addAll(own);
        }
        return groups;
    }

    private void commit(List<Waiting> group) {
        // An event already answered 5xx (it waited past answer-within) will be redelivered: leave it to that.
        List<Waiting> live = group.stream().filter(w -> !w.result().isDone()).toList();
        if (live.isEmpty()) {
            return;
        }
        groupSizes.record(live.size());
        try {
            Map<String, HandleStripeEvent.Result> results;
            try (Connection connection = dataSource.getConnection()) {
                // The round trip's Sync commits: no separate COMMIT round trip.
                connection.setAutoCommit(true);
                results = acceptTogether(connection, payments(live));
            }
            live.forEach(w -> w.result().complete(results.get(w.payment().eventId())));
        } catch (Exception e) {
            if (databaseUnreachable(e)) {
                // Alone, each would wait for the database as long again: fail them all now, Stripe redelivers.
                fail(live, e);
            } else if (lockWaitExpired(e)) {
                commitWithoutHeldUsers(live);
            } else if (live.size() == 1) {
                fail(live, e);
            } else {
                splitGroups.increment();
                LOG.warn("A group of {} payment events failed ({}); committing each alone", live.size(),
                        e.getClass().getSimpleName());
                live.forEach(waiting -> commit(List.of(waiting)));
            }
        }
    }

    private record Triage(List<Waiting> held, List<Waiting> accepted, Map<String, HandleStripeEvent.Result> results) {
    }

    /**
     * The group waited longer than lock-wait for a user's lock (held by a stuck transaction elsewhere, say a frozen
     * replica). Leaves out the users whose lock is taken (their events get a 5xx; Stripe redelivers) and commits the
     * others at once with the locks just taken, so that one stuck user costs the events behind it one lock-wait.
     */
    private void commitWithoutHeldUsers(List<Waiting> group) {
        try {
            Triage triage = transactions.executeWrite(status -> {
                Connection connection = status.getConnection();
                Set<UUID> free = SucceededPaymentStatements.tryLockUsers(connection,
                        group.stream().map(w -> w.payment().userId()).toList());
                List<Waiting> accepted = group.stream().filter(w -> free.contains(w.payment().userId())).toList();
                List<Waiting> held = group.stream().filter(w -> !free.contains(w.payment().userId())).toList();
                return new Triage(held, accepted,
                        accepted.isEmpty() ? Map.of() : acceptTogether(connection, payments(accepted)));
            });
            LOG.warn("{} payment event(s) waited too long for their user's lock; answered 5xx for redelivery",
                    triage.held().size());
            fail(triage.held(), new DataAccessException("The user's plan lock is held elsewhere"));
            triage.accepted().forEach(w -> w.result().complete(triage.results().get(w.payment().eventId())));
        } catch (Exception e) {
            fail(group, e);
        }
    }

    private static List<SucceededPayment> payments(List<Waiting> waiting) {
        return waiting.stream().map(Waiting::payment).toList();
    }

    private static void fail(List<Waiting> waiting, Exception cause) {
        DataAccessException failure = cause instanceof DataAccessException d ? d
                : new DataAccessException("Could not accept the payment event", cause);
        waiting.forEach(w -> w.result().completeExceptionally(failure));
    }

    /** The first statement was cancelled after lock-wait (57014), or a lock_timeout expired (55P03). */
    private static boolean lockWaitExpired(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && ("57014".equals(sql.getSQLState())
                    || "55P03".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** No connection, or it broke (SQLSTATE class 08): not something one event of the group caused. */
    private static boolean databaseUnreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** The group's statements, in the connection's transaction or committed by themselves in autocommit. */
    private Map<String, HandleStripeEvent.Result> acceptTogether(Connection connection, List<SucceededPayment> payments)
            throws SQLException {
        SucceededPaymentStatements.Accepted accepted = SucceededPaymentStatements.acceptWithPlans(connection, payments,
                lockWait);
        if (!accepted.changedUsers().isEmpty()) {
            notifier.rowsQueued();
        }
        return payments.stream().collect(Collectors.toMap(SucceededPayment::eventId,
                p -> !accepted.newEvents().contains(p.eventId()) ? HandleStripeEvent.Result.DUPLICATE
                        : new HandleStripeEvent.Result("accepted", accepted.changedUsers().contains(p.userId()) ? null
                        : "plan unchanged: a newer payment stands", false)));
    }

    /** Nothing is stored for a refused event: Stripe redelivers it, here or to another replica. */
    private ProblemException unavailable() {
        return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, ProblemCodes.SERVICE_UNAVAILABLE,
                "Too busy to accept the event now", accepting ? "Too many events are waiting; retry later."
                : "This instance is shutting down; retry later.", List.of(), Map.of(HttpHeaders.RETRY_AFTER, "5"));
    }

    /**
     * The start of a graceful shutdown: new events are refused with 503; those already waiting are committed and
     * answered as usual (the server waits for their answers before the pool and the committers stop).
     */
    @Override
    public CompletionStage<?> shutdownGracefully() {
        accepting = false;
        return CompletableFuture.completedFuture(null);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        // No interrupt: a committer may be inside a transaction. It sees the flag within one poll and ends once
        // the queue is empty.
        running = false;
        for (Thread committer : committers) {
            committer.join(10_000);
        }
    }
}
