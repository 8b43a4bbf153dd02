package io.plansync.payment.billing;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;

import java.time.Duration;
import java.util.Optional;

/**
 * The billing pages' two cookies: the session id and the CSRF token. Both HttpOnly (no script reads either),
 * SameSite=Strict, Path=/billing, and Secure unless configured off for http://localhost.
 */
final class BillingCookies {
    static final String SESSION = "plansync_billing_session";
    static final String CSRF = "plansync_billing_csrf";
    static final String PATH = "/billing";

    private BillingCookies() {
    }

    static Cookie of(String name, String value, Duration maxAge, boolean secure) {
        return Cookie.of(name, value).httpOnly(true).secure(secure).sameSite(SameSite.Strict).path(PATH)
                .maxAge(maxAge);
    }

    /** Expires the cookie in the browser. */
    static Cookie cleared(String name, boolean secure) {
        return of(name, "", Duration.ZERO, secure);
    }

    static Optional<String> read(HttpRequest<?> request, String name) {
        return request.getCookies().findCookie(name).map(Cookie::getValue).filter(v -> !v.isEmpty() && v.length() < 100);
    }
}
