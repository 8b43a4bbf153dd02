package io.plansync.payment.outbox;

import io.micronaut.http.client.exceptions.ReadTimeoutException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;

/**
 * What an operator reads in {@code lastError} when identity-service could not be reached: what happened
 * ("connection refused", "timed out after 5 s"), never an exception class name.
 */
public final class NetworkFailures {
    private NetworkFailures() {
    }

    /** @param readTimeout how long a request may wait for identity's answer, named when it ran out */
    public static String describe(Throwable failure, Duration readTimeout) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ReadTimeoutException || cause instanceof SocketTimeoutException
                    || cause instanceof io.netty.handler.timeout.ReadTimeoutException) {
                return "timed out after " + seconds(readTimeout);
            }
            if (cause instanceof io.netty.channel.ConnectTimeoutException) {
                return "connection timed out";
            }
            if (cause instanceof ConnectException) {
                return "connection refused";
            }
            if (cause instanceof UnknownHostException) {
                return "unknown host";
            }
            if (cause instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (cause instanceof ClosedChannelException || isReset(cause)) {
                return "connection closed before an answer";
            }
            if (cause instanceof javax.net.ssl.SSLException) {
                return "TLS failure";
            }
        }
        return "network failure";
    }

    private static boolean isReset(Throwable cause) {
        String message = cause.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("connection reset");
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
