package io.plansync.payment.plans;

import io.plansync.contracts.Plan;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured plans, checked against the plans identity-service knows. */
@Singleton
public class PlanCatalog {
    private final List<PlanPrice> plans;
    private final Map<String, PlanPrice.Recurring> byPriceId = new HashMap<>();

    public PlanCatalog(List<PlanPrice> plans) {
        for (PlanPrice plan : plans) {
            if (Plan.fromWire(plan.id()).isEmpty()) {
                throw new IllegalStateException("plansync.plans." + plan.id() + ": unknown plan (free, pro, enterprise)");
            }
            for (Interval interval : Interval.values()) {
                plan.recurring(interval).ifPresent(r -> {
                    PlanPrice.Recurring other = byPriceId.put(r.priceId(), r);
                    if (other != null) {
                        throw new IllegalStateException("plansync.plans: Stripe price " + r.priceId()
                                + " is given to both " + other.plan() + " (" + other.interval().wire() + ") and "
                                + r.plan() + " (" + r.interval().wire() + ")");
                    }
                });
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

    /** The plan and interval a Stripe Price sells, if the catalog has it. */
    public Optional<PlanPrice.Recurring> byPriceId(String priceId) {
        return Optional.ofNullable(priceId == null ? null : byPriceId.get(priceId));
    }

    /** The Stripe Price for a plan and interval, if the catalog sells it so. */
    public Optional<PlanPrice.Recurring> recurring(String plan, Interval interval) {
        return find(plan).flatMap(p -> p.recurring(interval));
    }

    /** Every interval value, for error messages. */
    public static String intervals() {
        return String.join(", ", Arrays.stream(Interval.values()).map(Interval::wire).toList());
    }
}
