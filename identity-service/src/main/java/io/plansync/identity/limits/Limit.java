package io.plansync.identity.limits;

/** The per-client-address limits; each name is part of its buckets' keys in rate_limit_buckets. */
public enum Limit {
    /** Every request to /auth/*; its state is what the X-RateLimit-* headers of those answers describe. */
    AUTH_REQUESTS("auth-requests"),
    /** Logins that did not succeed, so one address cannot guess passwords or keep accounts locked at will. */
    FAILED_LOGINS("failed-logins"),
    /** Refused plan-change attempts without valid credentials: counted and logged, never audited row by row. */
    ANONYMOUS_PLAN_CHANGES("anonymous-plan-changes");

    final String key;

    Limit(String key) {
        this.key = key;
    }
}
