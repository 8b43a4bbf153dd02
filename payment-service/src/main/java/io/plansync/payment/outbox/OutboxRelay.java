package io.plansync.payment.outbox;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.payment.outbox.DeliverPlanChanges.Outcome.Kind;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Delivers the outbox to identity-service. Each round claims a batch of due rows (FOR UPDATE SKIP LOCKED, so
 * workers and replicas share the work), delivers them in one request with one service token, and records every
 * row's outcome before committing. It wakes on LISTEN/NOTIFY when rows commit, and polls as a backstop.
 *
 * <p>Steady workers ({@code relay-workers}) claim whatever is due. Surge workers ({@code relay-surge-workers}) join
 * in only while rounds find full batches due (a backlog, see {@link BacklogSignal}), so that rows trickling in still
 * share large batches while a backlog drains with more requests in flight.
 *
 * <p>On a graceful shutdown each worker finishes the batch it holds (delivers it and commits every row's outcome,
 * which releases the rows) and claims no more.
 */
@Singleton
public class OutboxRelay implements ApplicationEventListener<ServerStartupEvent>, GracefulShutdownCapable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration IDLE_FLOOR = Duration.ofMillis(100);

    private final Outbox outbox;
    private final DeliverPlanChanges deliver;
    private final TransactionOperations<Connection> transactions;
    private final OutboxProperties properties;
    private final RetryBackoff backoff;
    private final OutboxMetrics metrics;
    private final DataSource dataSource;
    private final List<Thread> workers = new ArrayList<>();
    private final List<CompletableFuture<Void>> stopped = new ArrayList<>();
    private final BacklogSignal backlog = new BacklogSignal();
    private volatile boolean running;

    public OutboxRelay(Outbox outbox, DeliverPlanChanges deliver, TransactionOperations<Connection> transactions,
                       OutboxProperties properties, DataSource dataSource, OutboxMetrics metrics) {
        this.metrics = metrics;
        this.outbox = outbox;
        this.deliver = deliver;
        this.transactions = transactions;
        this.properties = properties;
        this.backoff = new RetryBackoff(properties.initialBackoff(), properties.maxBackoff());
        this.dataSource = dataSource;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (!properties.relayEnabled()) {
            LOG.info("Outbox relay disabled on this replica");
            return;
        }
        running = true;
        for (int i = 0; i < properties.relayWorkers(); i++) {
            startWorker("outbox-relay-" + i, this::steady);
        }
        for (int i = 0; i < properties.relaySurgeWorkers(); i++) {
            startWorker("outbox-relay-surge-" + i, this::surge);
        }
    }

    private void startWorker(String name, Runnable work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        stopped.add(done);
        workers.add(Thread.ofPlatform().name(name).daemon(true).start(() -> {
            try {
                work.run();
            } finally {
                done.complete(null);
            }
        }));
    }

    /**
     * A steady worker: rounds back to back while a full batch is due, else waits for a notification or the next due
     * row.
     * Workers (and replicas) never share a row: each claims its own with SKIP LOCKED. Several per replica keep
     * identity busy while one of them waits for its answer or its commit.
     */
    private void steady() {
        try (OutboxWakeups wakeups = new OutboxWakeups(dataSource)) {
            work(wakeups);
        }
    }

    private void work(OutboxWakeups wakeups) {
        whileRunning(() -> {
            int handled = relayRound();
            if (handled > 0 && handled < properties.batchSize() && properties.linger().isPositive()) {
                // Rows are trickling in: let a batch gather (one token, request and commit for many) instead of
                // paying all three for every row or two.
                Thread.sleep(properties.linger());
            } else if (handled == 0) {
                // Due rows another worker or replica holds count in nextDueAt too: never wait less than the floor,
                // or this worker would spin on empty claims until they are done. New rows notify.
                wakeups.await(max(untilNextDue(), IDLE_FLOOR));
            } else if (handled < properties.batchSize()) {
                wakeups.await(untilNextDue());
            }
        });
    }

    /**
     * A surge worker: parked (no LISTEN connection of its own) until a round finds a full batch due, then rounds back
     * to back until one finds less.
     */
    private void surge() {
        whileRunning(() -> {
            if (backlog.await(properties.pollInterval())) {
                metrics.surgeWorkers(+1);
                try {
                    int handled;
                    do {
                        handled = relayRound();
                        metrics.surgeRound();
                    } while (running && handled == properties.batchSize());
                } finally {
                    metrics.surgeWorkers(-1);
                }
            }
        });
    }

    /** A worker's loop until shutdown: a failed step is logged and tried again a second later. */
    private void whileRunning(Step step) {
        while (running) {
            try {
                step.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Outbox relay round failed; retrying shortly", e);
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    /** One step of a worker's loop: a round, and its wait. */
    @FunctionalInterface
    private interface Step {
        void run() throws InterruptedException;
    }

    /** {@link #relayBatch}, waking the surge workers when the batch was full. */
    private int relayRound() {
        int handled = relayBatch();
        if (handled == properties.batchSize()) {
            backlog.fullRound();
        }
        return handled;
    }

    /** One round: claim, deliver in one request, record, commit. @return how many rows it handled */
    int relayBatch() {
        return transactions.executeWrite(status -> {
            List<Outbox.Row> rows = outbox.claimDue(properties.batchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            long started = System.nanoTime();
            List<DeliverPlanChanges.Outcome> outcomes = deliver.attempt(rows);
            metrics.delivery(outcomes, System.nanoTime() - started);
            record(rows, outcomes);
            return rows.size();
        });
    }

    /**
     * Records every row's outcome in a few statements: rows that share an outcome (the whole batch, when identity
     * is down or all went well) are updated together, and logged in one line.
     */
    private void record(List<Outbox.Row> rows, List<DeliverPlanChanges.Outcome> outcomes) {
        Map<Group, List<Long>> groups = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            DeliverPlanChanges.Outcome outcome = outcomes.get(i);
            int attempt = rows.get(i).attempts() + 1;
            Kind kind = OutcomeRules.afterAttempt(outcome.kind(), attempt, properties.maxAttempts());
            Group group = switch (kind) {
                case DELIVERED -> new Group(kind, outcome.httpStatus(), null, 0);
                case DEAD -> new Group(kind, outcome.httpStatus(), outcome.kind() == Kind.RETRY
                        ? "gave up after " + attempt + " attempts: " + outcome.reason() : outcome.reason(), 0);
                case RETRY -> new Group(kind, outcome.httpStatus(), outcome.reason(), attempt);
            };
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(rows.get(i).id());
        }
        groups.forEach((group, ids) -> {
            switch (group.kind()) {
                case DELIVERED -> outbox.markDone(ids);
                case DEAD -> {
                    outbox.markDead(ids, group.reason());
                    LOG.error("{} outbox row(s) dead: {} (ids {})", ids.size(), group.reason(), ids);
                }
                case RETRY -> {
                    // Rows that failed together wait together: one jittered delay for the group.
                    Instant next = backoff.nextAttemptAt(Instant.now(), group.attempt());
                    outbox.markRetrying(ids, group.reason(), next);
                    LOG.warn("{} outbox row(s), attempt {}, failed: {}; next at {}", ids.size(), group.attempt(),
                            group.reason(), next);
                }
            }
            outbox.recordAttempts(ids, group.kind().wire(), group.httpStatus(), group.reason());
        });
    }

    /** Rows with the same outcome, status, reason and (for retries) attempt number. */
    private record Group(Kind kind, @Nullable Integer httpStatus, @Nullable String reason, int attempt) {
    }

    private Duration untilNextDue() {
        Duration poll = properties.pollInterval();
        return outbox.nextDueAt()
                .map(next -> Duration.between(Instant.now(), next))
                .map(d -> d.isNegative() ? Duration.ofMillis(1) : d)
                .filter(d -> d.compareTo(poll) < 0)
                .orElse(poll);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Completes once every worker has recorded its last batch and stopped claiming. */
    @Override
    public CompletionStage<?> shutdownGracefully() {
        running = false;
        backlog.fullRound(); // parked surge workers see running is false and stop
        if (!stopped.isEmpty()) {
            try {
                // Workers waiting for a notification wake now instead of at their next poll.
                outbox.wakeRelays();
            } catch (RuntimeException e) {
                LOG.debug("Could not wake the relay workers; they stop at their next poll", e);
            }
        }
        return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
                .whenComplete((done, failure) -> LOG.info("Outbox relay stopped"));
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        for (Thread worker : workers) {
            worker.interrupt();
        }
        for (Thread worker : workers) {
            worker.join(5_000);
        }
    }
}
