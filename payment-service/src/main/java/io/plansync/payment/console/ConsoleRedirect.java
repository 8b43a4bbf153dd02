package io.plansync.payment.console;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.plansync.payment.billing.BillingPages;

import java.net.URI;

/** {@code /console}, the address operators are told, leads to the console's page in the billing pages' path. */
@Controller("/console")
@Secured(SecurityRule.IS_ANONYMOUS)
public class ConsoleRedirect {

    @Get
    public HttpResponse<?> console() {
        return HttpResponse.seeOther(URI.create(BillingPages.CONSOLE));
    }
}
