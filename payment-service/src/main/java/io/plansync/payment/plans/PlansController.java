package io.plansync.payment.plans;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.List;

/** The catalog as buyers see it: each plan's price and what it lets a user do. */
@Controller
public class PlansController {
    private final PlanCatalog catalog;

    public PlansController(PlanCatalog catalog) {
        this.catalog = catalog;
    }

    @Get("/plans")
    @Secured(SecurityRule.IS_ANONYMOUS)
    public List<Offers.Offer> plans() {
        return Offers.of(catalog);
    }
}
