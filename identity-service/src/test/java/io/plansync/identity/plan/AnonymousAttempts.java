package io.plansync.identity.plan;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Reads the count of plan-change attempts without valid credentials, as an operator's dashboard would. */
final class AnonymousAttempts {
    static final String SINGLE = "/admin/users/{id}/plan";
    static final String BATCH = "/admin/plan-changes";

    private final MeterRegistry metrics;

    AnonymousAttempts(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    double count(String endpoint, String outcome, String code) {
        Counter counter = metrics.find("plansync.plan_changes.anonymous")
                .tags("endpoint", endpoint, "outcome", outcome, "code", code).counter();
        return counter == null ? 0 : counter.count();
    }
}
