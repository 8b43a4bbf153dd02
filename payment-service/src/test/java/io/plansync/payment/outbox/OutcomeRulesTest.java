package io.plansync.payment.outbox;

import io.plansync.payment.outbox.DeliverPlanChanges.Outcome.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every outbox outcome rule, without a database: what identity answered -> what becomes of the row. */
class OutcomeRulesTest {

    @ParameterizedTest(name = "the whole request answered {0} -> {1}")
    @CsvSource(textBlock = """
            400, DEAD
            401, DEAD
            403, DEAD
            404, RETRY
            408, RETRY
            429, RETRY
            500, RETRY
            502, RETRY
            503, RETRY
            """)
    void a_refused_request_goes_dead_only_when_a_human_must_act(int status, Kind next) {
        assertThat(OutcomeRules.wholeRequest(status)).isEqualTo(next);
    }

    @ParameterizedTest(name = "a single change answered {0} -> {1}")
    @CsvSource(textBlock = """
            200, DELIVERED
            400, DEAD
            401, DEAD
            403, DEAD
            404, DEAD
            408, RETRY
            429, RETRY
            500, RETRY
            503, RETRY
            """)
    void a_refused_change_goes_dead_unless_the_fault_can_pass(int status, Kind next) {
        assertThat(OutcomeRules.singleChange(status)).isEqualTo(next);
    }

    @Test
    void no_answer_at_all_is_retried() {
        assertThat(OutcomeRules.networkFailure()).isEqualTo(Kind.RETRY);
    }

    @ParameterizedTest(name = "{0} on attempt {1} of {2} -> {3}")
    @CsvSource(textBlock = """
            RETRY,      1,  25, RETRY
            RETRY,      24, 25, RETRY
            RETRY,      25, 25, DEAD
            RETRY,      26, 25, DEAD
            DEAD,       1,  25, DEAD
            DELIVERED,  25, 25, DELIVERED
            """)
    void a_retry_on_the_last_allowed_attempt_goes_dead(Kind kind, int attempt, int maxAttempts, Kind next) {
        assertThat(OutcomeRules.afterAttempt(kind, attempt, maxAttempts)).isEqualTo(next);
    }
}
