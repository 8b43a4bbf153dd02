package io.plansync.cli;

/** The exit codes of every plansync command; scripts rely on them. */
public final class Exit {
    /** The command did what was asked (including an operator answering "no" to a question). */
    public static final int OK = 0;
    /** The command line is wrong: unknown option, missing or malformed value. Nothing was sent. */
    public static final int USAGE = 1;
    /** A service refused the request (401, 403, 404, 409, other 4xx), or there is no token to send. */
    public static final int REFUSED = 2;
    /** A service could not be reached (connection refused, timeout, unknown host) or failed (5xx). */
    public static final int UNAVAILABLE = 3;

    private Exit() {
    }
}
