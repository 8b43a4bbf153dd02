package io.plansync.payment.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A route whose caller proves itself with a signature over the request's bytes, checked by the route before it
 * reads anything (Stripe's webhook), and which never looks at a user, a session or an API key. micronaut-security's
 * filter is skipped for it ({@link SecurityFilterExceptSignedRoutes}): on the busiest route it cost a fifth of the
 * service's CPU to find that an anonymous request is anonymous. Put it on nothing else: a marked route gets no
 * {@code @Secured} or intercept-url-map check at all.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SignatureAuthenticated {
}
