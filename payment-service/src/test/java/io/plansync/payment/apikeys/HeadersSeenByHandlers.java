package io.plansync.payment.apikeys;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.List;
import java.util.Map;

/** Test only: what a /v1 handler sees of a request, to show which headers reach handlers at all. */
@Requires(property = "plansync.test.headers-probe", value = "true")
@Controller("/v1/test-probe")
@Secured(SecurityRule.IS_ANONYMOUS)
class HeadersSeenByHandlers {
    @Get
    Map<String, Object> seen(HttpRequest<?> request, @RequestAttribute(ApiCaller.ATTRIBUTE) ApiCaller caller) {
        List<String> names = request.getHeaders().names().stream().map(String::toLowerCase).sorted().toList();
        return Map.of("headers", names, "keyId", caller.keyId());
    }
}
