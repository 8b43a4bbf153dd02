package io.plansync.identity.plan;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.ProblemCodes;
import io.plansync.identity.accounts.UserIds;
import io.plansync.identity.limits.Limit;
import io.plansync.identity.limits.RateLimits;
import io.plansync.support.limits.Verdict;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plan-change attempts without valid credentials. Anyone who reaches the port can send them, so they are not
 * written to the append-only audit trail (one undeletable row per request would let anyone fill it): each is
 * counted ({@value #METRIC}) and logged, and one client address may only make so many
 * ({@link Limit#ANONYMOUS_PLAN_CHANGES}) before it gets 429 instead of 401.
 */
@Singleton
class AnonymousPlanChanges {
    static final String METRIC = "plansync.plan_changes.anonymous";
    private static final Logger LOG = LoggerFactory.getLogger(AnonymousPlanChanges.class);

    private final RateLimits rateLimits;
    private final MeterRegistry metrics;

    AnonymousPlanChanges(RateLimits rateLimits, MeterRegistry metrics) {
        this.rateLimits = rateLimits;
        this.metrics = metrics;
    }

    /**
     * @param endpoint     the route, for the metric and the log
     * @param targetUserId the user id from the path, if any (logged only when it is a user id)
     * @param unauthorized the refusal the caller has earned (401, or 503 when the keys were unavailable)
     * @return the refusal to answer: {@code unauthorized}, or 429 once this address has made too many
     */
    ProblemException refuse(String endpoint, String clientAddress, @Nullable String targetUserId,
                            ProblemException unauthorized) {
        Verdict verdict;
        try {
            verdict = rateLimits.take(Limit.ANONYMOUS_PLAN_CHANGES, clientAddress);
        } catch (RuntimeException e) {
            // The limit cannot be read (database trouble): the refusal stands all the same.
            verdict = null;
        }
        if (verdict != null && !verdict.allowed()) {
            count(endpoint, "rate_limited", ProblemCodes.RATE_LIMITED);
            return verdict.refusal("Too many refused plan changes from this address; try again later.");
        }
        count(endpoint, "refused", unauthorized.code());
        // Only values the server produced: the path's id as a UUID, never the body or raw input.
        String target = targetUserId == null ? "-"
                : UserIds.parse(targetUserId).map(Object::toString).orElse("(not a user id)");
        LOG.warn("Refused plan change without valid credentials: {} from {} for user {}: {} {}", endpoint,
                clientAddress, target, unauthorized.status().getCode(), unauthorized.code());
        return unauthorized;
    }

    private void count(String endpoint, String outcome, String code) {
        metrics.counter(METRIC, "endpoint", endpoint, "outcome", outcome, "code", code).increment();
    }
}
