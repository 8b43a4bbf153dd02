package io.plansync.support.json;

import io.micronaut.serde.exceptions.SerdeException;

/** A request field held a JSON value of another type than the contract's; {@code field} names it for the client. */
public final class WrongJsonType extends SerdeException {
    private final String field;
    private final String expected;

    public WrongJsonType(String field, String expected) {
        super("field " + field + " must be " + expected);
        this.field = field;
        this.expected = expected;
    }

    public String field() {
        return field;
    }

    /** What the client should send, e.g. "a JSON string". */
    public String expected() {
        return expected;
    }
}
