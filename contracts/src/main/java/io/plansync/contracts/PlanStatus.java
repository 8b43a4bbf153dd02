package io.plansync.contracts;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Whether a user's plan is in force. The wire value is the lower-case name. */
public enum PlanStatus {
    ACTIVE, INACTIVE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PlanStatus> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }
}
