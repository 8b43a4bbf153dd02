package io.plansync.contracts;

import java.util.Arrays;
import java.util.Optional;

/**
 * The states of an outbox row: pending -> (retrying ->)* done | dead. The wire value (API, CLI, the outbox.state
 * column) is the lower-case name. {@link Names} holds the same names as compile-time constants, because annotation
 * values (SQL in {@code @Query}, option defaults) cannot call {@link #wire()}; the values here are built from them.
 */
public enum OutboxState {
    PENDING(Names.PENDING), RETRYING(Names.RETRYING), DEAD(Names.DEAD), DONE(Names.DONE);

    private final String wire;

    OutboxState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Waiting for delivery: pending or retrying. */
    public boolean waiting() {
        return this == PENDING || this == RETRYING;
    }

    public static Optional<OutboxState> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
    }

    /** The wire values of all states, in order, joined by ", ". */
    public static String wireList() {
        return String.join(", ", Arrays.stream(values()).map(OutboxState::wire).toList());
    }

    /** The wire names as constants, for annotation values. */
    public static final class Names {
        public static final String PENDING = "pending";
        public static final String RETRYING = "retrying";
        public static final String DEAD = "dead";
        public static final String DONE = "done";
        /** A SQL list of the waiting states, for {@code state in WAITING} (matches the outbox_due index). */
        public static final String SQL_WAITING = "('" + PENDING + "', '" + RETRYING + "')";

        private Names() {
        }
    }
}
