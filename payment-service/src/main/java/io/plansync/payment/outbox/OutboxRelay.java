package io.plansync.payment.outbox;

import io.github.resilience4j.core.IntervalFunction;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.transaction.TransactionOperations;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Delivers the outbox to identity-service. Each round claims a small batch of due rows (FOR UPDATE SKIP LOCKED, so
 * replicas share the work), delivers them in parallel, and records every outcome before committing. It wakes on
 * LISTEN/NOTIFY when rows commit, and polls as a backstop.
 */
@Singleton
public class OutboxRelay implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final Outbox outbox;
    private final DeliverPlanChange deliver;
    private final TransactionOperations<Connection> transactions;
    private final OutboxProperties properties;
    private final IntervalFunction backoff;
    private final OutboxWakeups wakeups;
    private final OutboxMetrics metrics;
    private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running;
    /** Only the relay thread reads and writes it. */
    private boolean identityUnreachable;
    private Thread loop;

    public OutboxRelay(Outbox outbox, DeliverPlanChange deliver, TransactionOperations<Connection> transactions,
                       OutboxProperties properties, DataSource dataSource, OutboxMetrics metrics) {
        this.metrics = metrics;
        this.outbox = outbox;
        this.deliver = deliver;
        this.transactions = transactions;
        this.properties = properties;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(properties.initialBackoff().toMillis(), 2.0, 0.5,
                properties.maxBackoff().toMillis());
        this.wakeups = new OutboxWakeups(dataSource);
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (!properties.relayEnabled()) {
            LOG.info("Outbox relay disabled on this replica");
            return;
        }
        running = true;
        loop = Thread.ofPlatform().name("outbox-relay").daemon(true).start(this::run);
    }

    private void run() {
        while (running) {
            try {
                if (relayBatch() < properties.batchSize()) {
                    wakeups.await(untilNextDue());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Outbox relay round failed; retrying shortly", e);
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    /** One round: claim, deliver, record, commit. @return how many rows it handled */
    int relayBatch() {
        return transactions.executeWrite(status -> {
            List<Outbox.Row> rows = outbox.claimDue(properties.batchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            List<DeliverPlanChange.Outcome> outcomes = deliverAll(rows);
            for (int i = 0; i < rows.size(); i++) {
                record(rows.get(i), outcomes.get(i));
            }
            return rows.size();
        });
    }

    /**
     * Delivers the rows in parallel. After a round in which identity-service could not be reached at all, one row
     * goes first as a probe: if it still cannot, the others wait out the same backoff without being sent (no token
     * signed, no connection tried), so an outage costs a probe per round instead of a batch.
     */
    private List<DeliverPlanChange.Outcome> deliverAll(List<Outbox.Row> rows) {
        List<DeliverPlanChange.Outcome> outcomes = new ArrayList<>(rows.size());
        int from = 0;
        if (identityUnreachable) {
            DeliverPlanChange.Outcome probe = timed(rows.getFirst());
            outcomes.add(probe);
            from = 1;
            if (isUnreachable(probe)) {
                var notSent = new DeliverPlanChange.Outcome(DeliverPlanChange.Outcome.Kind.RETRY, null,
                        probe.reason() + " (not sent: the probe found identity unreachable)");
                for (int i = 1; i < rows.size(); i++) {
                    outcomes.add(notSent);
                }
                return outcomes;
            }
        }
        List<Future<DeliverPlanChange.Outcome>> pending = new ArrayList<>(rows.size());
        for (Outbox.Row row : rows.subList(from, rows.size())) {
            pending.add(deliveries.submit(() -> timed(row)));
        }
        for (Future<DeliverPlanChange.Outcome> future : pending) {
            outcomes.add(outcome(future));
        }
        identityUnreachable = outcomes.stream().allMatch(OutboxRelay::isUnreachable);
        return outcomes;
    }

    private DeliverPlanChange.Outcome timed(Outbox.Row row) {
        long started = System.nanoTime();
        DeliverPlanChange.Outcome outcome = deliver.attempt(row);
        metrics.delivery(outcome.kind(), System.nanoTime() - started);
        return outcome;
    }

    private static boolean isUnreachable(DeliverPlanChange.Outcome outcome) {
        return outcome.kind() == DeliverPlanChange.Outcome.Kind.RETRY && outcome.httpStatus() == null;
    }

    private void record(Outbox.Row row, DeliverPlanChange.Outcome outcome) {
        int attempt = row.attempts() + 1;
        switch (outcome.kind()) {
            case DELIVERED -> {
                outbox.markDone(row.id());
                outbox.recordAttempt(row.id(), "delivered", outcome.httpStatus(), null);
            }
            case RETRY -> {
                if (attempt >= properties.maxAttempts()) {
                    String reason = "gave up after " + attempt + " attempts: " + outcome.reason();
                    outbox.markDead(row.id(), reason);
                    outbox.recordAttempt(row.id(), "dead", outcome.httpStatus(), reason);
                    LOG.error("Outbox row {} (user {}) is dead: {}", row.id(), row.userId(), reason);
                } else {
                    Instant next = Instant.now().plusMillis(backoff.apply(attempt));
                    outbox.markRetrying(row.id(), outcome.reason(), next);
                    outbox.recordAttempt(row.id(), "retry", outcome.httpStatus(), outcome.reason());
                    LOG.warn("Outbox row {} (user {}) attempt {} failed: {}; next at {}", row.id(), row.userId(),
                            attempt, outcome.reason(), next);
                }
            }
            case DEAD -> {
                outbox.markDead(row.id(), outcome.reason());
                outbox.recordAttempt(row.id(), "dead", outcome.httpStatus(), outcome.reason());
                LOG.error("Outbox row {} (user {}) is dead: {}", row.id(), row.userId(), outcome.reason());
            }
        }
    }

    private static DeliverPlanChange.Outcome outcome(Future<DeliverPlanChange.Outcome> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            return new DeliverPlanChange.Outcome(DeliverPlanChange.Outcome.Kind.RETRY, null,
                    "delivery failed: " + e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while delivering", e);
        }
    }

    private Duration untilNextDue() {
        Duration poll = properties.pollInterval();
        return outbox.nextDueAt()
                .map(next -> Duration.between(Instant.now(), next))
                .map(d -> d.isNegative() ? Duration.ofMillis(1) : d)
                .filter(d -> d.compareTo(poll) < 0)
                .orElse(poll);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        if (loop != null) {
            loop.interrupt();
            loop.join(5_000);
        }
        deliveries.shutdownNow();
        wakeups.close();
    }
}
