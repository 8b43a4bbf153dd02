package io.plansync.payment.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.propagation.PropagatedContext;
import io.plansync.payment.checkout.StripeProperties;
import io.plansync.payment.ledger.Ledger;
import io.plansync.payment.ledger.Outcome;
import io.plansync.payment.ledger.LedgerEntry;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.subscriptions.RefreshSubscriptions;
import io.plansync.support.correlation.CorrelationId;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Applies a verified Stripe event, exactly once: {@link EventEntries} reads what it means, the {@link Ledger}
 * records it (the event, its payment's move, the user's plan and the outbox row for identity-service in one
 * transaction; for a subscription's event, a request to read the subscription again). Nothing here calls
 * identity-service or Stripe: the outbox relay and {@link RefreshSubscriptions} do that after commit.
 */
@Singleton
public class HandleStripeEvent {
    private static final Logger LOG = LoggerFactory.getLogger(HandleStripeEvent.class);

    private final Ledger ledger;
    private final PlanCatalog catalog;
    private final boolean liveKey;
    private final MeterRegistry metrics;
    private final RefreshSubscriptions refreshSubscriptions;

    public HandleStripeEvent(Ledger ledger, PlanCatalog catalog, StripeProperties stripe, MeterRegistry metrics,
                             RefreshSubscriptions refreshSubscriptions) {
        this.ledger = ledger;
        this.refreshSubscriptions = refreshSubscriptions;
        this.catalog = catalog;
        this.liveKey = stripe.isLiveKey();
        this.metrics = metrics;
    }

    /** The future completes once the event's transaction has committed; no thread waits for it meanwhile. */
    public CompletableFuture<Outcome> handle(StripeEvent event) {
        LedgerEntry entry = EventEntries.entryOf(event, catalog, liveKey, CorrelationId.current().orElse(null));
        PropagatedContext context = PropagatedContext.getOrEmpty();
        return ledger.record(entry).handle((done, failure) -> {
            try (PropagatedContext.Scope ignored = context.propagate()) {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : failure;
                    if (cause instanceof ProblemException refused) {
                        // Refused before anything was stored (busy, shutting down): answered as the problem says.
                        LOG.warn("Stripe event {} ({}) refused for now: {}", event.id(), event.type(),
                                refused.getMessage());
                    } else {
                        // Logged here, with the request's correlation id; the answer is a generic 5xx.
                        LOG.error("Stripe event {} ({}) not recorded: {}", event.id(), event.type(),
                                cause.getClass().getSimpleName());
                    }
                    throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                }
                if (entry.subscriptionId() != null && !done.duplicate()) {
                    refreshSubscriptions.wake();
                }
                return recorded(event, done);
            }
        });
    }

    private Outcome recorded(StripeEvent event, Outcome outcome) {
        // Metric tags stay bounded: any other type counts as "other".
        metrics.counter("plansync.webhooks", "type", EventEntries.HANDLED.contains(event.type()) ? event.type()
                : "other", "outcome", outcome.outcome()).increment();
        if (EventEntries.TRIAL_WILL_END.equals(event.type()) && !outcome.duplicate()) {
            // Stripe's notice, 3 days ahead: the application may remind the user; the plan itself is unchanged.
            metrics.counter("plansync.subscriptions.trial_will_end").increment();
            LOG.info("Stripe event {}: the trial of subscription {} ends soon", event.id(),
                    event.string("id").orElse("?"));
        }
        if (outcome.rejected()) {
            LOG.error("Rejected Stripe event {} ({}): {}", event.id(), event.type(), outcome.reason());
        } else if (!outcome.duplicate() && outcome.reason() != null) {
            LOG.info("Stripe event {} ({}): {} - {}", event.id(), event.type(), outcome.outcome(), outcome.reason());
        }
        return outcome;
    }
}
