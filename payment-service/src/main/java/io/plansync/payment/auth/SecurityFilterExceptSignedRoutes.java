package io.plansync.payment.auth;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.security.config.SecurityConfiguration;
import io.micronaut.security.filters.AuthenticationFetcher;
import io.micronaut.security.filters.SecurityFilter;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.web.router.RouteAttributes;

import java.util.Collection;

/**
 * micronaut-security's filter, unchanged, except on routes marked {@link SignatureAuthenticated}, which it does not
 * run for. Every other request, including one that matches no route, goes through it as before.
 */
@Replaces(SecurityFilter.class)
@Requires(property = "micronaut.security.filter.enabled", notEquals = "false", defaultValue = "true")
@Filter("${micronaut.security.filter.pattern:/**}")
public class SecurityFilterExceptSignedRoutes extends SecurityFilter implements ConditionalFilter {

    public SecurityFilterExceptSignedRoutes(Collection<SecurityRule<HttpRequest<?>>> securityRules,
                                            Collection<AuthenticationFetcher<HttpRequest<?>>> authenticationFetchers,
                                            SecurityConfiguration securityConfiguration) {
        super(securityRules, authenticationFetchers, securityConfiguration);
    }

    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return !isSignatureAuthenticated(request);
    }

    private static boolean isSignatureAuthenticated(HttpRequest<?> request) {
        return RouteAttributes.getRouteMatch(request)
                .map(route -> route.getRouteInfo().getAnnotationMetadata()
                        .hasDeclaredAnnotation(SignatureAuthenticated.class))
                .orElse(false);
    }
}
