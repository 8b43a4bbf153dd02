package io.plansync.contracts;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The plans a user can hold. The wire value is the lower-case name. */
public enum Plan {
    FREE, PRO, ENTERPRISE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Plan> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(p -> p.wire().equals(value)).findFirst();
    }
}
