package io.plansync.payment.plans;

import io.micronaut.serde.annotation.Serdeable;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanFeatures;

import java.util.Arrays;
import java.util.List;

/** The catalog as buyers see it, for GET /plans and the developer API's GET /v1/plans. */
public final class Offers {
    private Offers() {
    }

    public static List<Offer> of(PlanCatalog catalog) {
        return catalog.all().stream().map(price -> new Offer(price.id(), price.name(), price.amount(),
                price.currency(), Plan.fromWire(price.id()).map(PlanFeatures::of).orElse(List.of()),
                Arrays.stream(Interval.values()).flatMap(i -> price.recurring(i).stream())
                        .map(r -> new Subscription(r.interval().wire(), r.amount(), r.currency())).toList(),
                price.trialDaysOrNone())).toList();
    }

    /**
     * A plan on offer; {@code amount} is the one-time price, {@code features} from {@link PlanFeatures} (the list
     * identity-service grants), {@code subscriptions} the intervals it is sold by subscription at, with
     * {@code trialDays} of trial.
     */
    @Serdeable
    public record Offer(String id, String name, long amount, String currency, List<String> features,
                        List<Subscription> subscriptions, int trialDays) {
    }

    /** One way to subscribe: {@code interval} month or year, billed {@code amount} each interval. */
    @Serdeable
    public record Subscription(String interval, long amount, String currency) {
    }
}
