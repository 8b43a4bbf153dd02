package io.plansync.cli.output;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Timestamps as people read them in a table: ISO-8601 in UTC, to the second. */
public final class Times {
    private Times() {
    }

    public static String toSecond(String isoInstant) {
        if (isoInstant == null) {
            return null;
        }
        try {
            return Instant.parse(isoInstant).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return isoInstant;
        }
    }
}
