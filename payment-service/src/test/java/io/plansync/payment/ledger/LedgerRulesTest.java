package io.plansync.payment.ledger;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Which payment grants a plan and how events share a transaction, without a database. */
class LedgerRulesTest {
    private static final UUID ALICE = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID MALLORY = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static LedgerEntry paid(String pi, UUID user, String plan, long amount) {
        return LedgerEntry.paid("evt_" + pi, "payment_intent.succeeded", NOW, pi, user, plan, amount, "usd", null);
    }

    private static KnownPayment created(String pi, UUID user, String plan, long amount) {
        return new KnownPayment(pi, user, plan, amount, "usd", PaymentStatus.CREATED);
    }

    @Test
    void a_payment_this_service_created_for_the_same_user_plan_and_amount_grants() {
        LedgerEntry entry = paid("pi_1", ALICE, "pro", 2900);
        assertThat(LedgerRules.settle(entry, created("pi_1", ALICE, "pro", 2900), false)).isEqualTo(entry);
    }

    @Test
    void a_payment_created_for_someone_else_another_plan_or_amount_is_rejected() {
        KnownPayment alicePro = created("pi_1", ALICE, "pro", 2900);
        assertThat(LedgerRules.settle(paid("pi_1", MALLORY, "pro", 2900), alicePro, false).outcome())
                .isEqualTo(Outcome.REJECTED);
        assertThat(LedgerRules.settle(paid("pi_1", ALICE, "enterprise", 9900), alicePro, false).outcome())
                .isEqualTo(Outcome.REJECTED);
        assertThat(LedgerRules.settle(paid("pi_1", ALICE, "pro", 2800), alicePro, false).outcome())
                .isEqualTo(Outcome.REJECTED);
    }

    @Test
    void a_payment_created_elsewhere_grants_only_where_external_payments_are_accepted() {
        LedgerEntry entry = paid("pi_link", ALICE, "pro", 2900);
        LedgerEntry refused = LedgerRules.settle(entry, null, false);
        assertThat(refused.effect()).isEqualTo(PaymentEffect.NONE);
        assertThat(refused.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(refused.reason()).contains("not created by this service");
        assertThat(LedgerRules.settle(entry, null, true)).isEqualTo(entry);
    }

    @Test
    void a_refund_or_dispute_acts_for_the_payments_owner_never_for_the_user_the_event_names() {
        LedgerEntry dispute = LedgerEntry.moving("evt_d", "charge.dispute.created", NOW, PaymentEffect.DISPUTED,
                "pi_1", MALLORY, 2900, "usd", null);
        assertThat(LedgerRules.settle(dispute, created("pi_1", ALICE, "pro", 2900), false).userId())
                .isEqualTo(ALICE);
    }

    @Test
    void a_dispute_of_an_unknown_payment_is_rejected_but_its_refund_is_kept_against_a_late_payment() {
        LedgerEntry dispute = LedgerEntry.moving("evt_d", "charge.dispute.created", NOW, PaymentEffect.DISPUTED,
                "pi_x", null, 2900, "usd", null);
        assertThat(LedgerRules.settle(dispute, null, true).outcome()).isEqualTo(Outcome.REJECTED);
        LedgerEntry refund = LedgerEntry.moving("evt_r", "charge.refunded", NOW, PaymentEffect.REFUNDED, "pi_x",
                ALICE, 2900, "usd", null);
        assertThat(LedgerRules.settle(refund, null, false)).isEqualTo(refund);
    }

    @Test
    void a_group_holds_no_user_payment_or_event_twice_and_keeps_arrival_order() {
        LedgerEntry a1 = paid("pi_a1", ALICE, "pro", 2900);
        LedgerEntry b1 = paid("pi_b1", MALLORY, "pro", 2900);
        LedgerEntry a2 = paid("pi_a2", ALICE, "enterprise", 9900);
        LedgerEntry a1Again = paid("pi_a1", ALICE, "pro", 2900);
        List<List<LedgerEntry>> groups = LedgerRules.groups(List.of(a1, b1, a2, a1Again), e -> e);
        assertThat(groups).containsExactly(List.of(a1, b1), List.of(a2), List.of(a1Again));
    }

    @Test
    void only_events_that_move_a_payment_take_their_users_lock() {
        LedgerEntry ignored = LedgerEntry.noted("evt_i", "customer.created", NOW, Outcome.IGNORED, null, null,
                MALLORY, null);
        assertThat(LedgerRules.lockOrder(List.of(paid("pi_1", ALICE, "pro", 2900), ignored)))
                .containsExactly(ALICE);
    }

    @Test
    void an_accepted_event_that_left_the_plan_as_it_was_says_why() {
        LedgerEntry entry = paid("pi_1", ALICE, "pro", 2900);
        assertThat(LedgerRules.outcome(entry, true)).isEqualTo(new Outcome(Outcome.ACCEPTED, null, false));
        assertThat(LedgerRules.outcome(entry, false).reason()).startsWith("plan unchanged");
    }
}
