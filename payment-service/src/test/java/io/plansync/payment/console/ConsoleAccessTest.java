package io.plansync.payment.console;

import io.plansync.contracts.Roles;
import io.plansync.payment.billing.BillingSession;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import static io.plansync.payment.console.ConsoleAccess.Duty.ADMINISTER;
import static io.plansync.payment.console.ConsoleAccess.Duty.OPERATE;
import static io.plansync.payment.console.ConsoleAccess.Verdict.ALLOWED;
import static io.plansync.payment.console.ConsoleAccess.Verdict.FORBIDDEN;
import static io.plansync.payment.console.ConsoleAccess.Verdict.SIGN_IN;
import static org.assertj.core.api.Assertions.assertThat;

class ConsoleAccessTest {
    private static final Instant SIGNED_IN = Instant.parse("2026-12-02T12:00:00Z");
    private static final Duration MAX_AGE = Duration.ofHours(1);

    private static BillingSession session(UUID user, Set<String> roles) {
        return new BillingSession("id", user, "csrf", null, SIGNED_IN, SIGNED_IN, SIGNED_IN,
                SIGNED_IN.plus(Duration.ofHours(12)), null, "someone@example.test", roles);
    }

    private static ConsoleAccess.Verdict at(Duration after, BillingSession session, ConsoleAccess.Duty duty) {
        return ConsoleAccess.of(session, duty, SIGNED_IN.plus(after), MAX_AGE);
    }

    @Test
    void an_operator_operates_but_does_not_administer() {
        BillingSession operator = session(UUID.randomUUID(), Set.of(Roles.USER, Roles.OPERATOR));
        assertThat(at(Duration.ofMinutes(5), operator, OPERATE)).isEqualTo(ALLOWED);
        assertThat(at(Duration.ofMinutes(5), operator, ADMINISTER)).isEqualTo(FORBIDDEN);
    }

    @Test
    void admins_and_super_admins_do_both() {
        for (String role : Set.of(Roles.ADMIN, Roles.SUPER_ADMIN)) {
            BillingSession admin = session(UUID.randomUUID(), Set.of(role));
            assertThat(at(Duration.ZERO, admin, OPERATE)).as(role).isEqualTo(ALLOWED);
            assertThat(at(Duration.ZERO, admin, ADMINISTER)).as(role).isEqualTo(ALLOWED);
        }
    }

    @Test
    void a_plain_user_is_forbidden_and_an_anonymous_browser_is_sent_to_sign_in() {
        assertThat(at(Duration.ZERO, session(UUID.randomUUID(), Set.of(Roles.USER)), OPERATE)).isEqualTo(FORBIDDEN);
        assertThat(at(Duration.ZERO, session(UUID.randomUUID(), Set.of()), OPERATE)).isEqualTo(FORBIDDEN);
        assertThat(at(Duration.ZERO, session(null, Set.of()), OPERATE)).isEqualTo(SIGN_IN);
    }

    @Test
    void roles_count_only_until_the_max_age_after_sign_in_then_the_operator_signs_in_again() {
        BillingSession admin = session(UUID.randomUUID(), Set.of(Roles.ADMIN));
        assertThat(at(MAX_AGE.minusSeconds(1), admin, ADMINISTER)).isEqualTo(ALLOWED);
        assertThat(at(MAX_AGE, admin, ADMINISTER)).isEqualTo(SIGN_IN);
        assertThat(at(MAX_AGE, admin, OPERATE)).isEqualTo(SIGN_IN);
    }
}
