package io.plansync.payment.outbox;

import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Duration;

/**
 * Wakes the relays of every replica (PostgreSQL NOTIFY, which they LISTEN for) after outbox rows commit, with one
 * notification for all the rows committed within {@link #COALESCE}: a NOTIFY per row serialised the webhooks'
 * commits and cost more database CPU than their own statements. A lost wake-up costs at most a poll interval.
 */
@Singleton
public class OutboxNotifier {
    static final Duration COALESCE = Duration.ofMillis(10);
    private static final Logger LOG = LoggerFactory.getLogger(OutboxNotifier.class);

    private final Outbox outbox;
    private final TransactionOperations<Connection> transactions;
    private final Object lock = new Object();
    private final Thread sender;
    private boolean pending;
    private volatile boolean running = true;

    public OutboxNotifier(Outbox outbox, TransactionOperations<Connection> transactions) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.sender = Thread.ofPlatform().name("outbox-notifier").daemon(true).start(this::send);
    }

    /**
     * Rows were queued or made due again (a replay): notify once the current transaction commits, or at once
     * outside a transaction.
     */
    public void rowsQueued() {
        var status = transactions.findTransactionStatus();
        if (status.isPresent()) {
            status.get().registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal();
                }
            });
        } else {
            signal();
        }
    }

    private void signal() {
        synchronized (lock) {
            pending = true;
            lock.notifyAll();
        }
    }

    private void send() {
        while (running) {
            try {
                synchronized (lock) {
                    while (!pending) {
                        lock.wait();
                    }
                    pending = false;
                }
                outbox.wakeRelays();
                Thread.sleep(COALESCE);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Could not notify the relays ({}); they will poll", e.getClass().getSimpleName());
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        sender.interrupt();
    }
}
