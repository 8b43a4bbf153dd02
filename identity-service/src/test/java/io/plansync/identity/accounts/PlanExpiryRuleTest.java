package io.plansync.identity.accounts;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A plan holds until its paid time ends, then the user holds free: without a database. */
class PlanExpiryRuleTest {
    private static final Instant END = Instant.parse("2026-12-31T00:00:00Z");

    private static User pro(Instant validUntil) {
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        return new User(UUID.randomUUID(), "a@example.com", "hash", "user", "pro", "active", t, validUntil, 1, t, t);
    }

    @Test
    void before_its_end_the_plan_holds() {
        assertThat(pro(END).view(END.minusNanos(1000)).plan()).isEqualTo("pro");
        assertThat(pro(END).view(END.minusNanos(1000)).validUntil()).isEqualTo("2026-12-31T00:00:00Z");
    }

    @Test
    void from_its_end_on_the_user_holds_free() {
        assertThat(pro(END).view(END).plan()).isEqualTo("free");
        assertThat(pro(END).view(END).status()).isEqualTo("active");
        assertThat(pro(END).view(END.plusSeconds(86_400 * 365L)).plan()).isEqualTo("free");
        assertThat(pro(END).view(END).validUntil()).as("still says when it ended").isEqualTo("2026-12-31T00:00:00Z");
    }

    @Test
    void a_plan_without_an_end_never_expires() {
        assertThat(pro(null).view(Instant.parse("9999-01-01T00:00:00Z")).plan()).isEqualTo("pro");
        assertThat(pro(null).view(END).validUntil()).isNull();
    }
}
