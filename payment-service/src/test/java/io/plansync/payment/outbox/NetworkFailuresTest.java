package io.plansync.payment.outbox;

import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** lastError says what happened on the network, in words an operator reads, never an exception's class name. */
class NetworkFailuresTest {
    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    @Test
    void a_refused_connection_is_named_as_such_however_deep_the_framework_wraps_it() {
        var failure = new HttpClientException("Connect Error: x", new ConnectException("Connection refused: /127.0.0.1:8081"));

        assertThat(NetworkFailures.describe(failure, FIVE_SECONDS)).isEqualTo("connection refused");
    }

    @Test
    void a_read_timeout_names_the_configured_wait() {
        assertThat(NetworkFailures.describe(ReadTimeoutException.TIMEOUT_EXCEPTION, FIVE_SECONDS))
                .isEqualTo("timed out after 5 s");
        assertThat(NetworkFailures.describe(ReadTimeoutException.TIMEOUT_EXCEPTION, Duration.ofMillis(1500)))
                .isEqualTo("timed out after 1500 ms");
    }

    @Test
    void an_unknown_host_and_a_reset_connection_are_told_apart() {
        assertThat(NetworkFailures.describe(new HttpClientException("x", new UnknownHostException("identity")),
                FIVE_SECONDS)).isEqualTo("unknown host");
        assertThat(NetworkFailures.describe(new HttpClientException("x", new IOException("Connection reset by peer")),
                FIVE_SECONDS)).isEqualTo("connection closed before an answer");
    }

    @Test
    void anything_else_is_a_network_failure_without_a_class_name() {
        assertThat(NetworkFailures.describe(new HttpClientException("odd"), FIVE_SECONDS))
                .isEqualTo("network failure").doesNotContain("Exception");
    }
}
