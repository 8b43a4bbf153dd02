package io.plansync.support.plans;

import io.micronaut.context.annotation.Context;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanFeatures;

/** Reads the plans' features at start, so that a wrong PLANSYNC_PLAN_FEATURES stops the start and says why. */
@Context
final class PlanFeaturesAtStart {
    PlanFeaturesAtStart() {
        try {
            PlanFeatures.of(Plan.FREE);
        } catch (ExceptionInInitializerError e) {
            throw new IllegalStateException(e.getCause() == null ? "plan features unreadable"
                    : e.getCause().getMessage(), e.getCause());
        }
    }
}
