package io.plansync.payment.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A route whose caller proves itself with a signature over the request's bytes, checked by the route before it
 * reads anything (Stripe's webhook), and which never looks at a user, a session or an API key. micronaut-security's
 * filter is skipped for it ({@link SecurityFilterExceptSignedRoutes}): under webhook load its own work, finding that
 * an anonymous request to an anonymous route is allowed, was about 4 % of the service's CPU. Put it on nothing else:
 * a marked route gets no {@code @Secured} or intercept-url-map check at all.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SignatureAuthenticated {
}
