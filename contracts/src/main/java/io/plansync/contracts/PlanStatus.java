package io.plansync.contracts;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The state of the plan a user holds. The wire value is the lower-case name.
 *
 * <ul>
 *   <li>{@code active}: in force (a one-time purchase, a paid subscription, or the free plan);</li>
 *   <li>{@code inactive}: set by an operator; kept for senders of the first contract version;</li>
 *   <li>{@code trialing}: a subscription in its trial, in force until {@code validUntil};</li>
 *   <li>{@code past_due}: a subscription's renewal failed; in force for the grace period, until {@code validUntil};</li>
 *   <li>{@code canceled}: the subscription ended; the plan is the one the user holds without it (free).</li>
 * </ul>
 * Senders of the first version send only active and inactive; both are still accepted.
 */
public enum PlanStatus {
    ACTIVE, INACTIVE, TRIALING, PAST_DUE, CANCELED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PlanStatus> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }

    /** "active, inactive, ..." for error messages. */
    public static String wireList() {
        return Arrays.stream(values()).map(PlanStatus::wire).collect(Collectors.joining(", "));
    }

    /** The wire values as an SQL list, "('active', ...)", for check constraints and queries. */
    public static String sqlList() {
        return Arrays.stream(values()).map(s -> "'" + s.wire() + "'").collect(Collectors.joining(", ", "(", ")"));
    }
}
