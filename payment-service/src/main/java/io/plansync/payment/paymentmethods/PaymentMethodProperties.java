package io.plansync.payment.paymentmethods;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/**
 * plansync.payment-methods.*: the billing pages' card management.
 *
 * @param tokenLifetime          how long an operation token is good for; at most {@link #MAX_TOKEN_LIFETIME} (the
 *                               service refuses to start otherwise)
 * @param tokensPerMinute        operation tokens one account may be issued a minute
 * @param changesNoticePerHour   card changes (add, make default, remove) per account an hour beyond which each
 *                               further one is logged and counted as unusual
 * @param changesLimitPerHour    card changes per account an hour beyond which they are refused (429)
 */
@ConfigurationProperties("plansync.payment-methods")
public record PaymentMethodProperties(Duration tokenLifetime, @Min(1) int tokensPerMinute,
                                      @Min(1) int changesNoticePerHour, @Min(1) int changesLimitPerHour) {
    /** A token lives minutes, not hours: this bounds what a stolen one is worth. */
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofMinutes(5);

    public PaymentMethodProperties {
        if (tokenLifetime == null || tokenLifetime.isNegative() || tokenLifetime.isZero()
                || tokenLifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
            throw new IllegalArgumentException("plansync.payment-methods.token-lifetime must be more than 0 and at "
                    + "most " + MAX_TOKEN_LIFETIME.toMinutes() + " minutes, was " + tokenLifetime);
        }
        if (changesLimitPerHour < changesNoticePerHour) {
            throw new IllegalArgumentException("plansync.payment-methods.changes-limit-per-hour ("
                    + changesLimitPerHour + ") must be at least changes-notice-per-hour (" + changesNoticePerHour
                    + ")");
        }
    }
}
