package io.plansync.payment.billing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** When a billing session lives and when its CSRF token is accepted, without a database. */
class SessionRulesTest {
    private static final BillingProperties PROPERTIES = new BillingProperties(true, Duration.ofMinutes(30),
            Duration.ofHours(12), Duration.ofMinutes(10), Duration.ofMinutes(2), 120, 20, java.util.List.of());
    private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
    private static final String TOKEN = "current-token";
    private static final String OLD = "previous-token";

    private static BillingSession session(Instant lastSeen, Instant rotatedAt, Instant endedAt) {
        return new BillingSession("id", UUID.randomUUID(), SessionRules.hash(TOKEN), SessionRules.hash(OLD),
                rotatedAt, T0, lastSeen, T0.plus(Duration.ofHours(12)), endedAt, "u@example.com", java.util.Set.of());
    }

    @Test
    void a_session_lives_until_it_idles_ends_or_reaches_its_absolute_timeout() {
        assertThat(SessionRules.alive(session(T0, T0, null), T0.plusSeconds(60), PROPERTIES)).isTrue();
        assertThat(SessionRules.alive(session(T0, T0, null), T0.plus(Duration.ofMinutes(30)), PROPERTIES))
                .as("idle").isFalse();
        assertThat(SessionRules.alive(session(T0.plus(Duration.ofHours(12)), T0, null),
                T0.plus(Duration.ofHours(12)), PROPERTIES)).as("absolute").isFalse();
        assertThat(SessionRules.alive(session(T0, T0, T0), T0.plusSeconds(1), PROPERTIES)).as("signed out")
                .isFalse();
    }

    @Test
    void the_csrf_header_must_equal_the_cookie_and_be_the_sessions_token() {
        BillingSession s = session(T0, T0, null);
        assertThat(SessionRules.csrfAccepted(s, TOKEN, TOKEN, T0, PROPERTIES)).isTrue();
        assertThat(SessionRules.csrfAccepted(s, null, TOKEN, T0, PROPERTIES)).as("no header").isFalse();
        assertThat(SessionRules.csrfAccepted(s, TOKEN, null, T0, PROPERTIES)).as("no cookie").isFalse();
        assertThat(SessionRules.csrfAccepted(s, TOKEN, "other", T0, PROPERTIES)).as("mismatch").isFalse();
        assertThat(SessionRules.csrfAccepted(s, "forged", "forged", T0, PROPERTIES))
                .as("matching, but not this session's").isFalse();
        assertThat(SessionRules.csrfAccepted(s, "", "", T0, PROPERTIES)).isFalse();
    }

    @Test
    void the_previous_token_is_accepted_only_for_the_overlap_after_a_rotation() {
        BillingSession s = session(T0, T0, null);
        assertThat(SessionRules.csrfAccepted(s, OLD, OLD, T0.plusSeconds(119), PROPERTIES)).isTrue();
        assertThat(SessionRules.csrfAccepted(s, OLD, OLD, T0.plusSeconds(120), PROPERTIES)).isFalse();
    }

    @Test
    void a_token_is_rotated_once_it_is_as_old_as_the_rotation_period() {
        assertThat(SessionRules.csrfDue(session(T0, T0, null), T0.plus(Duration.ofMinutes(9)), PROPERTIES)).isFalse();
        assertThat(SessionRules.csrfDue(session(T0, T0, null), T0.plus(Duration.ofMinutes(10)), PROPERTIES)).isTrue();
    }

    @Test
    void secrets_are_long_random_and_stored_only_as_their_hash() {
        String a = SessionRules.newSecret();
        assertThat(a).hasSize(43).isNotEqualTo(SessionRules.newSecret());
        assertThat(SessionRules.hash(a)).hasSize(64).doesNotContain(a);
    }
}
