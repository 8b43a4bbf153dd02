package io.plansync.support.keys;

import io.plansync.support.keys.SigningKeyRules.Schedule;
import io.plansync.support.keys.SigningKeyRules.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A key's life: published before it signs, signing until the next takes over, published for the overlap, retired. */
class SigningKeyRulesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Duration EVERY = Duration.ofDays(30);
    private static final Duration AHEAD = Duration.ofMinutes(10);
    private static final Duration OVERLAP = Duration.ofMinutes(16);

    @Test
    void the_first_key_signs_until_the_next_is_due_a_publish_ahead_before_its_time() {
        List<Schedule> keys = List.of(new Schedule("a", T0, T0, null));
        assertThat(SigningKeyRules.current(keys, T0)).map(Schedule::kid).hasValue("a");
        assertThat(SigningKeyRules.rotationDue(keys, T0.plus(EVERY).minus(AHEAD).minusSeconds(1), EVERY, AHEAD))
                .isFalse();
        assertThat(SigningKeyRules.rotationDue(keys, T0.plus(EVERY).minus(AHEAD), EVERY, AHEAD)).isTrue();
    }

    @Test
    void a_scheduled_rotation_publishes_first_signs_after_the_publish_ahead_and_retires_the_old_key_after_the_overlap() {
        Instant now = T0.plus(EVERY).minus(AHEAD);
        SigningKeyRules.Plan plan = SigningKeyRules.plan(now, AHEAD, OVERLAP, false);
        List<Schedule> keys = List.of(new Schedule("a", T0, T0, plan.retirePreviousAt()),
                new Schedule("b", plan.publishAt(), plan.activateAt(), null));

        assertThat(state("b", keys, now)).as("published, not signing").isEqualTo(State.PENDING);
        assertThat(SigningKeyRules.published(keys.get(1), now)).isTrue();
        assertThat(SigningKeyRules.current(keys, now)).map(Schedule::kid).hasValue("a");
        assertThat(SigningKeyRules.rotationDue(keys, now.plusSeconds(1), EVERY, AHEAD))
                .as("not again while one is pending").isFalse();

        Instant switched = plan.activateAt();
        assertThat(SigningKeyRules.current(keys, switched)).map(Schedule::kid).hasValue("b");
        assertThat(state("a", keys, switched)).isEqualTo(State.PREVIOUS);
        assertThat(SigningKeyRules.published(keys.get(0), switched.plus(OVERLAP).minusSeconds(1))).isTrue();
        assertThat(state("a", keys, switched.plus(OVERLAP))).isEqualTo(State.RETIRED);
        assertThat(SigningKeyRules.published(keys.get(0), switched.plus(OVERLAP))).isFalse();
    }

    @Test
    void an_emergency_rotation_signs_now_and_retires_every_other_key_now() {
        SigningKeyRules.Plan plan = SigningKeyRules.plan(T0.plusSeconds(100), AHEAD, OVERLAP, true);
        assertThat(plan.publishAt()).isEqualTo(plan.activateAt()).isEqualTo(plan.retirePreviousAt())
                .isEqualTo(T0.plusSeconds(100));
        List<Schedule> keys = List.of(new Schedule("a", T0, T0, plan.retirePreviousAt()),
                new Schedule("b", plan.publishAt(), plan.activateAt(), null));
        assertThat(SigningKeyRules.current(keys, plan.activateAt())).map(Schedule::kid).hasValue("b");
        assertThat(state("a", keys, plan.activateAt())).isEqualTo(State.RETIRED);
    }

    @Test
    void without_a_current_key_a_rotation_is_due() {
        assertThat(SigningKeyRules.rotationDue(List.of(), T0, EVERY, AHEAD)).isTrue();
        assertThat(SigningKeyRules.rotationDue(List.of(new Schedule("a", T0, T0, T0)), T0, EVERY, AHEAD)).isTrue();
    }

    @Test
    void the_overlap_may_not_be_shorter_than_the_longest_token_and_the_rotation_must_outlast_both() {
        var settings = new KeyProtectionFactory.Settings(null, null, null, null);
        assertThat(settings.rotation(Duration.ofMinutes(15)).overlap()).isEqualTo(Duration.ofMinutes(16)
                .plusSeconds(30));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyProtectionFactory.Settings(null, null, null,
                Duration.ofMinutes(1)).rotation(Duration.ofMinutes(15))).hasMessageContaining("overlap");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyProtectionFactory.Settings(null,
                Duration.ofMinutes(5), null, null).rotation(Duration.ofMinutes(1))).hasMessageContaining("rotate-every");
    }

    private static State state(String kid, List<Schedule> keys, Instant now) {
        return SigningKeyRules.stateOf(keys.stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow(), keys,
                now);
    }
}
