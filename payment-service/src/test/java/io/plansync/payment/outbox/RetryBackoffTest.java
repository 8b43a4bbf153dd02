package io.plansync.payment.outbox;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry schedule with the defaults (1 s, capped at 5 min), without a database: next_attempt_at is 1 s doubled
 * per failed attempt, +-50% jitter, never later than 5 min after the failure.
 */
class RetryBackoffTest {
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final int SAMPLES = 500;
    private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    @ParameterizedTest(name = "after attempt {0}: between {1} and {2} ms")
    @CsvSource(textBlock = """
            1,  500,    1500
            2,  1000,   3000
            3,  2000,   6000
            5,  8000,   24000
            9,  128000, 300000
            10, 256000, 300000
            25, 300000, 300000
            """)
    void the_next_attempt_is_within_the_exponential_bounds(int attempt, long earliestMillis, long latestMillis) {
        for (int i = 0; i < SAMPLES; i++) {
            assertThat(backoff.nextAttemptAt(NOW, attempt))
                    .isBetween(NOW.plusMillis(earliestMillis), NOW.plusMillis(latestMillis));
        }
    }

    @ParameterizedTest(name = "after attempt {0}")
    @ValueSource(ints = {1, 3, 6})
    void below_the_cap_the_delay_is_jittered(int attempt) {
        Set<Instant> seen = new HashSet<>();
        for (int i = 0; i < SAMPLES; i++) {
            seen.add(backoff.nextAttemptAt(NOW, attempt));
        }
        assertThat(seen).hasSizeGreaterThan(SAMPLES / 2);
    }
}
