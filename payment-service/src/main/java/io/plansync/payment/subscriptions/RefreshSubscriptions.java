package io.plansync.payment.subscriptions;

import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.plansync.payment.checkout.Customers;
import io.plansync.payment.checkout.StripeGateway;
import io.plansync.payment.ledger.SubscriptionLedger;
import io.plansync.payment.ledger.SubscriptionState;
import io.plansync.payment.outbox.RetryBackoff;
import io.plansync.payment.plans.PlanCatalog;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the subscriptions that webhooks asked about from Stripe, off the request path, and records their current
 * state through the {@link SubscriptionLedger}. Reading the current state, rather than trusting the event, is how a
 * subscription ends as Stripe has it whatever order its events arrive in: the last event of any sequence asks for a
 * read that starts after it, and a read overtaken by a newer request is not recorded.
 *
 * <p>Workers on every replica share the queue (a lease per subscription). A failed read is retried with backoff,
 * without end; a subscription Stripe does not know, or whose customer is no user's, is kept as refused with the
 * reason (an operator's matter) until another event about it arrives.
 */
@Singleton
public class RefreshSubscriptions implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshSubscriptions.class);
    /** How long a taken subscription is left to its worker; longer than a Stripe read with its retries. */
    static final Duration LEASE = Duration.ofMinutes(2);
    private static final int BATCH = 10;

    private final SubscriptionLedger ledger;
    private final StripeGateway stripe;
    private final Customers customers;
    private final PlanCatalog catalog;
    private final SubscriptionProperties properties;
    private final RetryBackoff backoff;
    private final MeterRegistry metrics;
    private final Object wakeup = new Object();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private boolean woken;
    private volatile boolean running;

    public RefreshSubscriptions(SubscriptionLedger ledger, StripeGateway stripe, Customers customers,
                                PlanCatalog catalog, SubscriptionProperties properties, MeterRegistry metrics) {
        this.ledger = ledger;
        this.stripe = stripe;
        this.customers = customers;
        this.catalog = catalog;
        this.properties = properties;
        this.metrics = metrics;
        this.backoff = new RetryBackoff(properties.refreshInitialBackoff(), properties.refreshMaxBackoff());
        Gauge.builder("plansync.subscriptions.refresh.waiting", waiting, AtomicLong::get)
                .description("Subscriptions waiting to be read from Stripe").register(metrics);
        Gauge.builder("plansync.subscriptions.refresh.refused", refused, AtomicLong::get)
                .description("Subscriptions that could not be recorded (unknown to Stripe or to the customer "
                        + "mapping) until another event about them").register(metrics);
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        running = true;
        for (int i = 0; i < properties.refreshWorkers(); i++) {
            workers.add(Thread.ofPlatform().name("subscription-refresh-" + i).daemon(true).start(this::run));
        }
    }

    /** A subscription was just queued on this replica: look now rather than at the next poll. */
    public void wake() {
        synchronized (wakeup) {
            woken = true;
            wakeup.notifyAll();
        }
    }

    private void run() {
        while (running) {
            try {
                List<SubscriptionLedger.Refresh> taken = ledger.takeDue(BATCH, LEASE);
                taken.forEach(this::refresh);
                if (taken.size() < BATCH) {
                    long[] sizes = ledger.queueSizes();
                    waiting.set(sizes[0]);
                    refused.set(sizes[1]);
                    sleep(properties.refreshPollInterval());
                }
            } catch (Exception e) {
                LOG.warn("Subscription refresh round failed ({}); trying again", e.getClass().getSimpleName());
                sleep(properties.refreshPollInterval());
            }
        }
    }

    /** Reads one subscription and records it; any failure is recorded on its queue row. */
    void refresh(SubscriptionLedger.Refresh refresh) {
        String id = refresh.subscriptionId();
        try {
            StripeSubscription subscription = StripeSubscription.of(stripe.subscription(id));
            Optional<UUID> owner = customers.userIdOf(subscription.customerId());
            if (owner.isEmpty()) {
                refuse(refresh, "customer " + subscription.customerId() + " is not mapped to a user");
                return;
            }
            SubscriptionState state = SubscriptionRules.stateOf(subscription, owner.get(), catalog,
                    properties.pastDueGrace(), properties.renewalLeeway());
            if (state.plan() == null) {
                LOG.error("Subscription {} is for price {}, which the catalog does not sell: it grants no plan", id,
                        subscription.priceId());
            }
            if (ledger.record(refresh, state)) {
                metrics.counter("plansync.subscriptions.refreshed", "status", SubscriptionRules
                        .planStatus(subscription.status()).wire()).increment();
                LOG.info("Subscription {} of user {}: {} ({}), plan {}, valid until {}", id, state.userId(),
                        state.stripeStatus(), state.cancelAtPeriodEnd() ? "ends at period end" : "renews",
                        state.plan(), state.validUntil());
            } else {
                // Asked for again while it was being read: it is due again, and read again.
                metrics.counter("plansync.subscriptions.refreshed", "status", "overtaken").increment();
            }
        } catch (InvalidRequestException e) {
            if (e.getStatusCode() != null && e.getStatusCode() == 404) {
                refuse(refresh, "Stripe does not know subscription " + id);
            } else {
                retry(refresh, "Stripe refused the read: HTTP " + e.getStatusCode() + " " + e.getCode());
            }
        } catch (StripeException e) {
            retry(refresh, "Stripe unreachable or failing: " + e.getClass().getSimpleName()
                    + (e.getStatusCode() == null ? "" : " HTTP " + e.getStatusCode()));
        } catch (Exception e) {
            LOG.error("Subscription {} could not be recorded", id, e);
            retry(refresh, "could not be recorded: " + e.getClass().getSimpleName());
        }
    }

    private void retry(SubscriptionLedger.Refresh refresh, String reason) {
        Instant next = backoff.nextAttemptAt(Instant.now(), refresh.attempts());
        LOG.warn("Subscription {} not read (attempt {}): {}; next at {}", refresh.subscriptionId(),
                refresh.attempts(), reason, next);
        metrics.counter("plansync.subscriptions.refreshed", "status", "retry").increment();
        markFailed(refresh, reason, next, false);
    }

    private void refuse(SubscriptionLedger.Refresh refresh, String reason) {
        LOG.error("Subscription {} refused: {}", refresh.subscriptionId(), reason);
        metrics.counter("plansync.subscriptions.refreshed", "status", "refused").increment();
        markFailed(refresh, reason, Instant.now(), true);
    }

    private void markFailed(SubscriptionLedger.Refresh refresh, String reason, Instant next, boolean refuse) {
        try {
            ledger.failed(refresh, reason, next, refuse);
        } catch (Exception e) {
            // The lease runs out and the subscription is taken again.
            LOG.warn("Could not record the failed read of {} ({})", refresh.subscriptionId(),
                    e.getClass().getSimpleName());
        }
    }

    private void sleep(Duration duration) {
        synchronized (wakeup) {
            try {
                if (!woken) {
                    wakeup.wait(Math.max(1, duration.toMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                woken = false;
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        wake();
        for (Thread worker : workers) {
            worker.join(10_000);
        }
    }
}
