package io.plansync.payment.billing;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * The browser defences of every /billing answer: a Content-Security-Policy that runs no inline script and loads
 * nothing from elsewhere, no framing, no referrer, no MIME sniffing, no caching of pages, and HSTS over TLS.
 */
@ServerFilter("/billing/**")
public class BillingHeaders {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @ResponseFilter
    public void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.header("Content-Security-Policy", CSP);
        response.header("X-Frame-Options", "DENY");
        response.header("Referrer-Policy", "no-referrer");
        response.header("X-Content-Type-Options", "nosniff");
        if (!request.getPath().startsWith("/billing/assets/")) {
            response.header("Cache-Control", "no-store");
        }
        if (request.isSecure()) {
            response.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
    }
}
