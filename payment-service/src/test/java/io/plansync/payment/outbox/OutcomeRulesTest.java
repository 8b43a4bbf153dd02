package io.plansync.payment.outbox;

import io.plansync.payment.outbox.DeliverPlanChanges.Outcome.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every outbox outcome rule, without a database: what identity answered -> what becomes of the row. */
class OutcomeRulesTest {

    /** A human must act on a broken client, key or grant; a passing fault never dead-letters a backlog. */
    @ParameterizedTest(name = "{0}: the whole request -> {1}, a single change -> {2}")
    @CsvSource(textBlock = """
            400, DEAD,  DEAD
            401, DEAD,  DEAD
            403, DEAD,  DEAD
            404, RETRY, DEAD
            408, RETRY, RETRY
            429, RETRY, RETRY
            500, RETRY, RETRY
            502, RETRY, RETRY
            503, RETRY, RETRY
            """)
    void a_refusal_goes_dead_only_when_a_human_must_act(int status, Kind wholeRequest, Kind singleChange) {
        assertThat(OutcomeRules.wholeRequest(status)).as("whole request").isEqualTo(wholeRequest);
        assertThat(OutcomeRules.singleChange(status)).as("single change").isEqualTo(singleChange);
    }

    @Test
    void a_change_answered_200_is_delivered() {
        assertThat(OutcomeRules.singleChange(200)).isEqualTo(Kind.DELIVERED);
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
