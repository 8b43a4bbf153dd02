package io.plansync.payment.plans;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How often a subscription is billed. The wire value is Stripe's: month or year. */
public enum Interval {
    MONTH, YEAR;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Interval> fromWire(String value) {
        return Arrays.stream(values()).filter(i -> i.wire().equals(value)).findFirst();
    }
}
