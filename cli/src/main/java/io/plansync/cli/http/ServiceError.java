package io.plansync.cli.http;

import io.plansync.cli.CliFailure;

import java.util.List;

/** A service answered with an error status; {@code code} is the problem's code when it sent one. */
public final class ServiceError extends CliFailure {
    private final int status;
    private final String code;

    ServiceError(int exitCode, int status, String code, List<String> lines) {
        super(exitCode, lines);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The problem's code, e.g. CONFLICT, or null when the answer was not application/problem+json. */
    public String code() {
        return code;
    }
}
