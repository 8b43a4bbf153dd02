package io.plansync.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * An expected way for a command to fail: what to tell the operator (one line, maybe followed by detail lines) and
 * the exit code. It carries no stack trace; the CLI never prints one.
 */
public class CliFailure extends RuntimeException {
    private final int exitCode;
    private final List<String> lines;

    public CliFailure(int exitCode, List<String> lines) {
        super(lines.isEmpty() ? "" : lines.getFirst(), null, false, false);
        this.exitCode = exitCode;
        this.lines = List.copyOf(lines);
    }

    public CliFailure(int exitCode, String message) {
        this(exitCode, List.of("error: " + message));
    }

    public int exitCode() {
        return exitCode;
    }

    /** What goes to stderr, line by line. */
    public List<String> lines() {
        return lines;
    }

    /** The same failure with one more line telling the operator what to do about it. */
    public CliFailure withHint(String hint) {
        List<String> more = new ArrayList<>(lines);
        more.add("hint: " + hint);
        return new CliFailure(exitCode, more);
    }
}
