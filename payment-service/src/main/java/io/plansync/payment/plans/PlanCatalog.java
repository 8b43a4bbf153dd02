package io.plansync.payment.plans;

import io.plansync.contracts.Plan;
import jakarta.inject.Singleton;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The configured plans, checked against the plans identity-service knows. */
@Singleton
public class PlanCatalog {
    private final List<PlanPrice> plans;

    public PlanCatalog(List<PlanPrice> plans) {
        for (PlanPrice plan : plans) {
            if (Plan.fromWire(plan.id()).isEmpty()) {
                throw new IllegalStateException("plansync.plans." + plan.id() + ": unknown plan (free, pro, enterprise)");
            }
        }
        this.plans = plans.stream().sorted(Comparator.comparingLong(PlanPrice::amount)).toList();
    }

    public List<PlanPrice> all() {
        return plans;
    }

    public Optional<PlanPrice> find(String id) {
        return plans.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
