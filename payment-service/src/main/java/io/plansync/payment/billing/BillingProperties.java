package io.plansync.payment.billing;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.util.List;

/**
 * plansync.billing.*: the billing pages' sessions and cookies.
 *
 * @param secureCookies     cookies only over HTTPS; false only for a local run on http://localhost
 * @param idleTimeout       a session unused this long has ended
 * @param absoluteTimeout   a session ends this long after it began, used or not
 * @param csrfRotation      a page served after the CSRF token is this old carries a new one
 * @param csrfOverlap       the previous CSRF token stays valid this long after it was replaced
 * @param addressRequestsPerMinute requests to /billing (pages and actions) one client address may make a minute
 * @param accountActionsPerMinute  purchases and portal openings one signed-in account may make a minute
 * @param trustedProxies  addresses or CIDR ranges of reverse proxies in front of payment-service whose
 *                        X-Forwarded-For names the browser; empty: the TCP peer is the browser
 */
@ConfigurationProperties("plansync.billing")
public record BillingProperties(boolean secureCookies, @NotNull Duration idleTimeout,
                                @NotNull Duration absoluteTimeout, @NotNull Duration csrfRotation,
                                @NotNull Duration csrfOverlap, @Min(1) int addressRequestsPerMinute,
                                @Min(1) int accountActionsPerMinute, @Nullable List<String> trustedProxies) {
}
