package io.plansync.payment.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** How each event moves a payment, without a database: the ledger's SQL is rendered from these moves. */
class PaymentStatusTest {

    @ParameterizedTest(name = "{0} then {1} -> {2}")
    @CsvSource(textBlock = """
            CREATED,      PAID,         SUCCEEDED
            FAILED,       PAID,         SUCCEEDED
            CREATED,      FAILED,       FAILED
            SUCCEEDED,    FAILED,       SUCCEEDED
            SUCCEEDED,    REFUNDED,     REFUNDED
            REFUNDED,     PAID,         REFUNDED
            SUCCEEDED,    DISPUTED,     DISPUTED
            DISPUTED,     PAID,         DISPUTED
            DISPUTED,     DISPUTE_WON,  DISPUTE_WON
            DISPUTED,     DISPUTE_LOST, DISPUTE_LOST
            DISPUTE_WON,  DISPUTED,     DISPUTE_WON
            DISPUTE_LOST, DISPUTED,     DISPUTE_LOST
            DISPUTE_LOST, DISPUTE_WON,  DISPUTE_LOST
            DISPUTE_WON,  REFUNDED,     REFUNDED
            REFUNDED,     DISPUTED,     REFUNDED
            REFUNDED,     DISPUTE_WON,  REFUNDED
            CREATED,      DISPUTE_WON,  DISPUTE_WON
            """)
    void each_event_moves_a_payment_as_the_rule_says(PaymentStatus from, PaymentEffect effect, PaymentStatus to) {
        assertThat(from.after(effect)).isEqualTo(to);
    }

    @Test
    void only_a_paid_payment_or_a_won_dispute_grants_a_plan() {
        assertThat(PaymentStatus.GRANTING).containsExactlyInAnyOrder(PaymentStatus.SUCCEEDED,
                PaymentStatus.DISPUTE_WON);
    }

    @Test
    void a_refund_and_a_closed_dispute_are_final() {
        for (PaymentEffect effect : PaymentEffect.values()) {
            assertThat(PaymentStatus.REFUNDED.after(effect)).as("refunded, then %s", effect)
                    .isEqualTo(PaymentStatus.REFUNDED);
            if (effect != PaymentEffect.REFUNDED) {
                assertThat(PaymentStatus.DISPUTE_LOST.after(effect)).as("lost, then %s", effect)
                        .isEqualTo(PaymentStatus.DISPUTE_LOST);
                assertThat(PaymentStatus.DISPUTE_WON.after(effect)).as("won, then %s", effect)
                        .isEqualTo(PaymentStatus.DISPUTE_WON);
            }
        }
    }

    /** Stripe's order is not the order things happened in: every order of one payment's events ends the same. */
    @Test
    void every_order_of_a_payments_events_ends_in_the_same_status() {
        List<List<PaymentEffect>> histories = List.of(
                List.of(PaymentEffect.PAID, PaymentEffect.REFUNDED),
                List.of(PaymentEffect.FAILED, PaymentEffect.PAID),
                List.of(PaymentEffect.PAID, PaymentEffect.DISPUTED, PaymentEffect.DISPUTE_WON),
                List.of(PaymentEffect.PAID, PaymentEffect.DISPUTED, PaymentEffect.DISPUTE_LOST),
                List.of(PaymentEffect.PAID, PaymentEffect.DISPUTED, PaymentEffect.DISPUTE_LOST,
                        PaymentEffect.REFUNDED));
        Random random = new Random(42);
        for (List<PaymentEffect> history : histories) {
            PaymentStatus inOrder = apply(history);
            for (int i = 0; i < 20; i++) {
                List<PaymentEffect> shuffled = new ArrayList<>(history);
                Collections.shuffle(shuffled, random);
                assertThat(apply(shuffled)).as("%s delivered as %s", history, shuffled).isEqualTo(inOrder);
            }
        }
    }

    @Test
    void an_unknown_payment_gets_a_row_only_from_a_refund_or_a_payment() {
        assertThat(PaymentStatus.ofUnknown(PaymentEffect.REFUNDED)).contains(PaymentStatus.REFUNDED);
        assertThat(PaymentStatus.ofUnknown(PaymentEffect.PAID)).contains(PaymentStatus.SUCCEEDED);
        assertThat(PaymentStatus.ofUnknown(PaymentEffect.DISPUTED)).isEmpty();
        assertThat(PaymentStatus.ofUnknown(PaymentEffect.FAILED)).isEmpty();
    }

    @Test
    void a_failed_payment_cannot_change_a_plan_and_every_other_move_can() {
        assertThat(PaymentStatus.canChangeGrant(PaymentEffect.FAILED)).isFalse();
        assertThat(PaymentStatus.canChangeGrant(PaymentEffect.NONE)).isFalse();
        for (PaymentEffect effect : List.of(PaymentEffect.PAID, PaymentEffect.REFUNDED, PaymentEffect.DISPUTED,
                PaymentEffect.DISPUTE_WON, PaymentEffect.DISPUTE_LOST)) {
            assertThat(PaymentStatus.canChangeGrant(effect)).as("%s", effect).isTrue();
        }
    }

    private static PaymentStatus apply(List<PaymentEffect> effects) {
        PaymentStatus status = PaymentStatus.CREATED;
        for (PaymentEffect effect : effects) {
            status = status.after(effect);
        }
        return status;
    }
}
