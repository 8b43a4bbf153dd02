package io.plansync.payment.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpStatus;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.scheduling.TaskExecutors;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.outbox.OutboxNotifier;
import io.plansync.support.problem.ProblemException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The one way into the payment-side tables: every verified Stripe event, whatever its type, is recorded here, with
 * its payment's move, its user's plan and the outbox row for identity-service in the same transaction. The rules
 * are {@link LedgerRules} and {@link PaymentStatus}; the SQL is {@link LedgerStatements}; this class is the group
 * commit around them.
 *
 * <p>Group commit: the events that arrive while a transaction is running wait and are then committed together in
 * one transaction (two statements and their commit in one round trip), each webhook still answered only after its
 * own event committed. A waiting webhook holds no thread. A single event is a group of one.
 *
 * <p>Each event gets exactly what it would get in a transaction of its own: a group holds at most one event per
 * user, payment and event id ({@link LedgerRules#groups}), and takes the users' locks in one order. If a group's
 * transaction fails, each of its events is retried alone, so one bad event cannot fail the others; if it waited
 * longer than lock-wait for a user's lock, only that user's event is left out.
 *
 * <p>At most queue-capacity events wait; further ones, and any that arrive once the service is shutting down, are
 * answered 503 with Retry-After at once (Stripe redelivers) while the waiting ones are still committed.
 */
@Singleton
public class Ledger implements GracefulShutdownCapable {
    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

    private final DataSource dataSource;
    private final OutboxNotifier notifier;
    private final boolean acceptExternal;
    private final int maxEvents;
    private final Duration lockWait;
    private final Duration answerWithin;
    private final DistributionSummary groupSizes;
    private final Counter splitGroups;
    private final BlockingQueue<Waiting> queue;
    private final ExecutorService answers;
    private final List<Thread> committers = new ArrayList<>();
    private volatile boolean running = true;
    private volatile boolean accepting = true;

    public Ledger(DataSource dataSource, OutboxNotifier notifier, GroupCommitProperties properties,
                  LedgerProperties ledger, MeterRegistry metrics,
                  @Named(TaskExecutors.BLOCKING) ExecutorService answers) {
        this.answers = answers;
        // The pool itself, not the transaction-aware proxy: a group commits by itself, in autocommit.
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        this.notifier = notifier;
        this.acceptExternal = ledger.acceptExternalPaymentIntents();
        this.maxEvents = properties.maxEvents();
        this.lockWait = properties.lockWait();
        this.answerWithin = properties.answerWithin();
        this.queue = new LinkedBlockingQueue<>(properties.queueCapacity());
        if (lockWait.toMillis() < 1 || answerWithin.compareTo(lockWait.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("plansync.webhook.group-commit: lock-wait must be positive and "
                    + "answer-within more than twice lock-wait");
        }
        this.groupSizes = DistributionSummary.builder("plansync.webhook.group.events")
                .description("Events committed in one transaction").register(metrics);
        this.splitGroups = Counter.builder("plansync.webhook.group.split")
                .description("Groups whose transaction failed, so that each event was retried alone").register(metrics);
        Gauge.builder("plansync.webhook.group.waiting", queue, BlockingQueue::size)
                .description("Events waiting for a transaction").register(metrics);
        for (int i = 0; i < properties.committers(); i++) {
            committers.add(Thread.ofPlatform().name("ledger-commit-" + i).daemon(true).start(this::commitQueued));
        }
    }

    private record Waiting(LedgerEntry entry, CompletableFuture<Outcome> result) {
        Waiting settled(LedgerEntry settled) {
            return new Waiting(settled, result);
        }
    }

    /**
     * Queues the event for the next group. The future completes once its event has committed (or was found to be a
     * redelivery), or fails if it could not be committed; a {@link ProblemException} (503) when it was refused for
     * now with nothing stored. No thread waits for it in the meantime.
     */
    public CompletableFuture<Outcome> record(LedgerEntry entry) {
        Waiting waiting = new Waiting(entry, new CompletableFuture<>());
        if (!accepting || !queue.offer(waiting)) {
            return CompletableFuture.failedFuture(unavailable());
        }
        if (!running && queue.remove(waiting)) {
            // Shutting down and no committer took it: commit it on a thread of its own.
            Thread.ofVirtual().start(() -> commitBatch(List.of(waiting)));
        }
        // A webhook never waits without end (a lock held by a frozen replica, a stuck database): it gets a 5xx and
        // Stripe redelivers; if its event commits after all, the redelivery is a duplicate.
        // The answer (the response's encoding and write) is made on another thread, never the committer's: its time
        // would otherwise add to every group's (a quarter of the committer's time in a profile).
        return waiting.result().orTimeout(answerWithin.toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(Function.identity(), answers);
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
                commitBatch(taken);
            } catch (InterruptedException e) {
                // Nothing interrupts a committer on purpose; one that left would leave every webhook waiting.
                LOG.warn("Ledger committer interrupted; it carries on");
            } finally {
                taken.clear();
            }
        }
    }

    /** Reads the payments the batch names, settles each entry against its payment, and commits them in groups. */
    private void commitBatch(List<Waiting> taken) {
        // An event already answered 5xx (it waited past answer-within) will be redelivered: leave it to that.
        List<Waiting> live = taken.stream().filter(w -> !w.result().isDone()).toList();
        if (live.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            // The round trip's Sync commits: no separate COMMIT round trip.
            connection.setAutoCommit(true);
            Map<String, KnownPayment> known = LedgerStatements.known(connection, live.stream()
                    .map(w -> w.entry().paymentIntentId()).filter(Objects::nonNull).distinct().toList());
            List<Waiting> settled = live.stream().map(w -> w.settled(LedgerRules.settle(w.entry(),
                    w.entry().paymentIntentId() == null ? null : known.get(w.entry().paymentIntentId()),
                    acceptExternal))).toList();
            for (List<Waiting> group : LedgerRules.groups(settled, Waiting::entry)) {
                commit(connection, group);
            }
        } catch (Throwable e) {
            // Never leave a webhook waiting: whatever went wrong, answer it (Stripe will redeliver).
            fail(live, e);
        }
    }

    private void commit(Connection connection, List<Waiting> group) {
        groupSizes.record(group.size());
        try {
            complete(group, LedgerStatements.write(connection, entries(group), lockWait));
        } catch (Exception e) {
            if (SqlFailures.databaseUnreachable(e)) {
                // Alone, each would wait for the database as long again: fail them all now, Stripe redelivers.
                fail(group, e);
            } else if (SqlFailures.lockWaitExpired(e)) {
                commitWithoutHeldUsers(connection, group);
            } else if (group.size() == 1) {
                fail(group, e);
            } else {
                splitGroups.increment();
                LOG.warn("A group of {} events failed ({}); committing each alone", group.size(),
                        e.getClass().getSimpleName());
                group.forEach(waiting -> commit(connection, List.of(waiting)));
            }
        }
    }

    /**
     * The group waited longer than lock-wait for a user's lock (held by a stuck transaction elsewhere, say a frozen
     * replica). Leaves out the users whose lock is taken (their events get a 5xx; Stripe redelivers) and commits the
     * others at once with the locks just taken, so that one stuck user costs the events behind it one lock-wait.
     */
    private void commitWithoutHeldUsers(Connection connection, List<Waiting> group) {
        try {
            connection.setAutoCommit(false);
            Set<UUID> free = LedgerStatements.tryLockUsers(connection, LedgerRules.lockOrder(entries(group)));
            List<Waiting> held = group.stream().filter(w -> !lockable(w.entry(), free)).toList();
            List<Waiting> accepted = group.stream().filter(w -> lockable(w.entry(), free)).toList();
            LedgerStatements.Written written = accepted.isEmpty() ? null
                    : LedgerStatements.write(connection, entries(accepted), lockWait);
            connection.commit();
            LOG.warn("{} event(s) waited too long for their user's lock; answered 5xx for redelivery", held.size());
            fail(held, new NotRecorded("The user's plan lock is held elsewhere", null));
            if (written != null) {
                complete(accepted, written);
            }
        } catch (Exception e) {
            rollBack(connection);
            fail(group, e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // A broken connection: the pool drops it.
            }
        }
    }

    private static boolean lockable(LedgerEntry entry, Set<UUID> free) {
        return LedgerRules.lockOrder(List.of(entry)).stream().allMatch(free::contains);
    }

    private void complete(List<Waiting> group, LedgerStatements.Written written) {
        if (!written.changedUsers().isEmpty()) {
            notifier.rowsQueued();
        }
        for (Waiting w : group) {
            LedgerEntry e = w.entry();
            w.result().complete(!written.newEvents().contains(e.eventId()) ? Outcome.DUPLICATE_EVENT
                    : LedgerRules.outcome(e, e.userId() != null && written.changedUsers().contains(e.userId())));
        }
    }

    private static List<LedgerEntry> entries(List<Waiting> waiting) {
        return waiting.stream().map(Waiting::entry).toList();
    }

    private static void rollBack(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // Nothing was committed; a broken connection is dropped by the pool.
        }
    }

    private static void fail(List<Waiting> waiting, Throwable cause) {
        NotRecorded failure = cause instanceof NotRecorded n ? n : new NotRecorded("Could not record the event", cause);
        waiting.forEach(w -> w.result().completeExceptionally(failure));
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

    /** An event was not recorded (nothing of it committed): its webhook gets a 5xx and Stripe redelivers it. */
    public static final class NotRecorded extends RuntimeException {
        NotRecorded(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
