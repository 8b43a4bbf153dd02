package io.plansync.support.correlation;

import org.slf4j.MDC;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id that follows one piece of work across services and logs: taken from {@code X-Correlation-Id} or made up,
 * kept in the logging context (MDC) while the request is handled, stored with outbox rows, and sent on to
 * identity-service.
 */
public final class CorrelationId {
    public static final String HEADER = "X-Correlation-Id";
    public static final String MDC_KEY = "correlationId";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private CorrelationId() {
    }

    /** A caller's id if it is a sane token (no log injection), else a new one. */
    public static String acceptOrCreate(String presented) {
        return presented != null && ACCEPTED.matcher(presented).matches() ? presented : UUID.randomUUID().toString();
    }

    public static Optional<String> current() {
        return Optional.ofNullable(MDC.get(MDC_KEY));
    }
}
