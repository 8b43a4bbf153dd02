package io.plansync.payment.outbox;

import io.plansync.payment.outbox.DeliverPlanChanges.Outcome.Kind;

/**
 * What happens to an outbox row after identity-service's answer: delivered, retried, or dead (a human must act).
 * Pure functions, apart from HTTP and SQL, so that each rule has a test without a database.
 */
final class OutcomeRules {
    private OutcomeRules() {
    }

    /**
     * The whole request refused with {@code status} (anything but 200): only 400, 401 and 403 (a broken client, key
     * or grant) go dead; anything else (429, 408, 5xx, a 404 for a missing endpoint, a proxy's odd answer) is
     * retried, so a passing fault never dead-letters a backlog.
     */
    static Kind wholeRequest(int status) {
        return status == 400 || status == 401 || status == 403 ? Kind.DEAD : Kind.RETRY;
    }

    /**
     * One change in identity's 200 answer: 200 is delivered (applied or not: identity is idempotent); 429, 408 and
     * 5xx are retried; anything else (400, 404 {@code USER_NOT_FOUND}) needs a human and goes dead, for that row only.
     */
    static Kind singleChange(int status) {
        if (status == 200) {
            return Kind.DELIVERED;
        }
        return status == 429 || status == 408 || status >= 500 ? Kind.RETRY : Kind.DEAD;
    }

    /** No answer at all (refused, reset, timed out): retried. */
    static Kind networkFailure() {
        return Kind.RETRY;
    }

    /** A retry on the row's {@code attempt}-th attempt (1-based) goes dead once it is the last allowed. */
    static Kind afterAttempt(Kind kind, int attempt, int maxAttempts) {
        return kind == Kind.RETRY && attempt >= maxAttempts ? Kind.DEAD : kind;
    }
}
