package io.plansync.payment.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.payment.checkout.Payments;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.plans.PlanPrice;
import io.plansync.payment.userplan.PlanChangeRecorder;
import io.plansync.support.correlation.CorrelationId;
import io.plansync.support.problem.ProblemException;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Applies a verified Stripe event, exactly once, in one transaction: the event (the dedupe key), the payment's
 * status, the user's plan and the outbox row for identity-service commit together. Nothing here calls
 * identity-service; the outbox relay does that after commit. Succeeded payments, the hot path, may share their
 * transaction with others that arrive at the same time ({@link AcceptSucceededPayments}).
 */
@Singleton
public class HandleStripeEvent {
    private static final Logger LOG = LoggerFactory.getLogger(HandleStripeEvent.class);
    /** Metric tags stay bounded: any other type counts as "other". */
    private static final java.util.Set<String> KNOWN_TYPES = java.util.Set.of("payment_intent.succeeded",
            "payment_intent.payment_failed", "charge.refunded");

    private final StripeEvents events;
    private final Payments payments;
    private final PlanChangeRecorder planChanges;
    private final PlanCatalog catalog;
    private final TransactionOperations<Connection> transactions;
    private final AcceptSucceededPayments acceptSucceededPayments;
    private final ExecutorService blockingExecutor;
    private final GroupCommitProperties groupCommit;
    private final MeterRegistry metrics;

    public HandleStripeEvent(StripeEvents events, Payments payments, PlanChangeRecorder planChanges, PlanCatalog catalog,
                             TransactionOperations<Connection> transactions,
                             AcceptSucceededPayments acceptSucceededPayments,
                             @Named(TaskExecutors.BLOCKING) ExecutorService blockingExecutor,
                             GroupCommitProperties groupCommit, MeterRegistry metrics) {
        this.acceptSucceededPayments = acceptSucceededPayments;
        this.groupCommit = groupCommit;
        this.blockingExecutor = blockingExecutor;
        this.metrics = metrics;
        this.events = events;
        this.payments = payments;
        this.planChanges = planChanges;
        this.catalog = catalog;
        this.transactions = transactions;
    }

    /** What became of an event. {@code duplicate}: it had been received before and nothing changed. */
    public record Result(String outcome, @Nullable String reason, boolean duplicate) {
        static final Result DUPLICATE = new Result("duplicate", null, true);
    }

    /**
     * The future completes once the event's transaction has committed. A valid succeeded payment (the hot path)
     * goes to group commit without holding a thread; everything else runs on the blocking executor.
     */
    public CompletableFuture<Result> handle(StripeEvent event) {
        CompletableFuture<Result> result = switch (event.type()) {
            case "payment_intent.succeeded" -> succeeded(event);
            case "payment_intent.payment_failed" -> blocking(() -> failed(event));
            case "charge.refunded" -> blocking(() -> refunded(event));
            default -> blocking(() -> store(event, "ignored", null, null, null));
        };
        PropagatedContext context = PropagatedContext.getOrEmpty();
        return result.handle((done, failure) -> {
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
                return recorded(event, done);
            }
        });
    }

    private Result recorded(StripeEvent event, Result result) {
        metrics.counter("plansync.webhooks", "type", KNOWN_TYPES.contains(event.type()) ? event.type() : "other",
                "outcome", result.outcome()).increment();
        if ("rejected".equals(result.outcome())) {
            LOG.error("Rejected Stripe event {} ({}): {}", event.id(), event.type(), result.reason());
        } else if (!result.duplicate() && result.reason() != null) {
            LOG.info("Stripe event {} ({}): {} - {}", event.id(), event.type(), result.outcome(), result.reason());
        }
        return result;
    }

    private CompletableFuture<Result> succeeded(StripeEvent event) {
        String paymentIntentId = event.string("id").orElse(null);
        UUID userId = userId(event.metadata("userId"));
        if (userId == null) {
            return blocking(() -> store(event, "rejected", "metadata.userId is missing or not a user id",
                    paymentIntentId, null));
        }
        Optional<PlanPrice> plan = catalog.find(String.valueOf(event.metadata("plan"))).filter(PlanPrice::isPurchasable);
        if (plan.isEmpty()) {
            return blocking(() -> store(event, "rejected", "metadata.plan is not a paid plan", paymentIntentId, userId));
        }
        if (paymentIntentId == null) {
            return blocking(() -> store(event, "rejected", "data.object.id is missing or not an id", null, userId));
        }
        long amount = event.number("amount_received").orElse(-1L);
        String currency = event.string("currency").orElse("");
        if (!plan.get().isPaidBy(amount, currency)) {
            String reason = "paid " + amount + " " + currency + " but " + plan.get().id() + " costs "
                    + plan.get().amount() + " " + plan.get().currency();
            return blocking(() -> store(event, "rejected", reason, paymentIntentId, userId));
        }
        return acceptSucceededPayments.submit(new SucceededPayment(event.id(), event.created(), paymentIntentId,
                userId, plan.get().id(), amount, currency, CorrelationId.current().orElse(null)));
    }

    /** Database work off the caller's thread (the HTTP event loop), with the request's context (correlation id). */
    private CompletableFuture<Result> blocking(Supplier<Result> work) {
        return CompletableFuture.supplyAsync(PropagatedContext.wrapCurrent(work), blockingExecutor)
                .orTimeout(groupCommit.answerWithin().toMillis(), TimeUnit.MILLISECONDS);
    }

    private Result failed(StripeEvent event) {
        String paymentIntentId = event.string("id").orElse(null);
        return transactions.executeWrite(status -> {
            if (events.insertIfNew(event.id(), event.type(), event.created(), "recorded", null, paymentIntentId,
                    userId(event.metadata("userId"))) == 0) {
                return Result.DUPLICATE;
            }
            if (paymentIntentId != null) {
                payments.markFailed(paymentIntentId);
            }
            return new Result("recorded", null, false);
        });
    }

    private Result refunded(StripeEvent event) {
        String paymentIntentId = event.string("payment_intent").orElse(null);
        Payments.Payment payment = paymentIntentId == null ? null
                : payments.findByPaymentIntentId(paymentIntentId).orElse(null);
        UUID userId = payment != null ? payment.userId() : userId(event.metadata("userId"));
        if (userId == null || paymentIntentId == null) {
            return store(event, "rejected", "refund of a payment this service does not know", paymentIntentId, null);
        }
        long amount = event.number("amount").orElse(0L);
        boolean full = event.flag("refunded") || (amount > 0 && event.number("amount_refunded").orElse(0L) >= amount);
        if (!full) {
            return store(event, "recorded", "partial refund: plan unchanged", paymentIntentId, userId);
        }
        return transactions.executeWrite(status -> {
            planChanges.lock(userId, groupCommit.lockWait());
            if (events.insertIfNew(event.id(), event.type(), event.created(), "accepted", null, paymentIntentId,
                    userId) == 0) {
                return Result.DUPLICATE;
            }
            payments.markRefunded(paymentIntentId, userId, amount, event.string("currency").orElse("usd"));
            boolean changed = planChanges.paymentsChanged(userId, event.id(), event.created());
            return new Result("accepted", changed ? null : "plan unchanged: another payment stands", false);
        });
    }

    private Result store(StripeEvent event, String outcome, @Nullable String reason, @Nullable String paymentIntentId,
                         @Nullable UUID userId) {
        int inserted = events.insertIfNew(event.id(), event.type(), event.created(), outcome, reason, paymentIntentId,
                userId);
        return inserted == 0 ? Result.DUPLICATE : new Result(outcome, reason, false);
    }

    private static @Nullable UUID userId(@Nullable String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
