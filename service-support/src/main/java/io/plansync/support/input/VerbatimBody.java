package io.plansync.support.input;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a route whose body must reach it byte for byte and unread (a signed payload: Stripe's webhook verifies its
 * signature over the raw bytes, then parses what it trusts on its own terms). {@link JsonBodyFilter} leaves such a
 * body alone; the path and query are still checked. Also on a route that checks its body itself after a decision that
 * must come first: identity's plan endpoints answer 401 to a caller without credentials before judging the body, and
 * login answers every bad email with the same 401.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface VerbatimBody {
}
