package io.plansync.payment.webhook;

import io.plansync.payment.ledger.LedgerEntry;
import io.plansync.payment.ledger.Outcome;
import io.plansync.payment.ledger.PaymentEffect;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.plans.PlanPrice;
import io.plansync.testing.StripeWebhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What each Stripe event means for the ledger, read from the event alone, without a database. */
class EventEntriesTest {
    private static final PlanCatalog CATALOG = new PlanCatalog(List.of(PlanPrice.oneTime("free", "Free", 0, "usd"),
            PlanPrice.oneTime("pro", "Pro", 2900, "usd"), PlanPrice.oneTime("enterprise", "Enterprise", 9900, "usd")));
    private static final String USER = UUID.randomUUID().toString();

    private static LedgerEntry entry(String payload, boolean liveKey) {
        return EventEntries.entryOf(StripeEvent.parse(payload), CATALOG, liveKey, null);
    }

    @Test
    void a_payment_of_the_catalogue_price_pays_for_its_plan() {
        LedgerEntry entry = entry(StripeWebhooks.paymentIntentSucceeded("evt_1", 1, "pi_1", USER, "pro", 2900, "usd"),
                false);
        assertThat(entry.effect()).isEqualTo(PaymentEffect.PAID);
        assertThat(entry.plan()).isEqualTo("pro");
        assertThat(entry.userId()).hasToString(USER);
    }

    @ParameterizedTest(name = "{0} {1} {2} is rejected")
    @CsvSource(textBlock = """
            pro,        2800,  usd
            pro,        3000,  usd
            pro,        2900,  eur
            free,       0,     usd
            platinum,   2900,  usd
            """)
    void a_payment_that_does_not_pay_a_catalogue_price_is_rejected(String plan, long amount, String currency) {
        LedgerEntry entry = entry(StripeWebhooks.paymentIntentSucceeded("evt_1", 1, "pi_1", USER, plan, amount,
                currency), false);
        assertThat(entry.effect()).isEqualTo(PaymentEffect.NONE);
        assertThat(entry.outcome()).isEqualTo(Outcome.REJECTED);
    }

    /** What was received decides, not what was asked: a PaymentIntent can succeed with less than its amount. */
    @ParameterizedTest(name = "amount {0}, amount_received {1} -> {2}")
    @CsvSource(textBlock = """
            2900, 2900, PAID
            2900, 0,    NONE
            2900, 1450, NONE
            0,    2900, PAID
            """)
    void the_amount_received_pays_for_the_plan(long amount, long received, PaymentEffect effect) {
        String payload = StripeWebhooks.paymentIntentSucceeded("evt_1", 1, "pi_1", USER, "pro", 2900, "usd")
                .replace("\"amount\":2900,\"amount_received\":2900",
                        "\"amount\":" + amount + ",\"amount_received\":" + received);
        assertThat(entry(payload, false).effect()).isEqualTo(effect);
    }

    @Test
    void an_event_from_the_other_mode_than_the_key_is_rejected() {
        String testMode = StripeWebhooks.paymentIntentSucceeded("evt_1", 1, "pi_1", USER, "pro", 2900, "usd");
        assertThat(entry(testMode, true).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(entry(testMode, true).reason()).contains("test-mode event");
        assertThat(entry(StripeWebhooks.live(testMode), false).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(entry(StripeWebhooks.live(testMode), true).effect()).isEqualTo(PaymentEffect.PAID);
    }

    @ParameterizedTest(name = "dispute closed as {0} -> {1}")
    @CsvSource(textBlock = """
            won,            DISPUTE_WON
            warning_closed, DISPUTE_WON
            lost,           DISPUTE_LOST
            """)
    void a_closed_dispute_restores_or_keeps_revoked(String status, PaymentEffect effect) {
        LedgerEntry entry = entry(StripeWebhooks.disputeClosed("evt_1", 1, "pi_1", 2900, status), false);
        assertThat(entry.effect()).isEqualTo(effect);
        assertThat(entry.paymentIntentId()).isEqualTo("pi_1");
    }

    @Test
    void an_opened_dispute_suspends_the_payment() {
        assertThat(entry(StripeWebhooks.disputeCreated("evt_1", 1, "pi_1", 2900), false).effect())
                .isEqualTo(PaymentEffect.DISPUTED);
    }

    @Test
    void a_partial_refund_is_only_recorded_and_a_full_one_moves_the_payment() {
        assertThat(entry(StripeWebhooks.chargeRefunded("evt_1", 1, "pi_1", 2900, 1000), false).outcome())
                .isEqualTo(Outcome.RECORDED);
        assertThat(entry(StripeWebhooks.chargeRefunded("evt_1", 1, "pi_1", 2900, 2900), false).effect())
                .isEqualTo(PaymentEffect.REFUNDED);
    }

    @Test
    void a_type_that_moves_no_money_is_ignored() {
        assertThat(entry(StripeWebhooks.event("evt_1", 1, "customer.created"), false).outcome())
                .isEqualTo(Outcome.IGNORED);
    }

    @ParameterizedTest(name = "{0} asks for subscription sub_1 to be read from Stripe")
    @ValueSource(strings = {"customer.subscription.created", "customer.subscription.updated",
            "customer.subscription.deleted", "customer.subscription.trial_will_end", "invoice.paid",
            "invoice.payment_failed", "checkout.session.completed"})
    void an_event_about_a_subscription_has_it_read_again(String type) {
        String object = objectFor(type);
        LedgerEntry entry = entry(eventWith("evt_s", type, object, false), false);
        assertThat(entry.effect()).isEqualTo(PaymentEffect.NONE);
        assertThat(entry.outcome()).isEqualTo(Outcome.RECORDED);
        assertThat(entry.subscriptionId()).isEqualTo("sub_1");
        assertThat(entry.userId()).as("never the event's word on whose it is").isNull();
    }

    @Test
    void a_one_time_checkout_or_an_invoice_of_no_subscription_is_ignored() {
        assertThat(entry(eventWith("evt_c", "checkout.session.completed",
                "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"mode\":\"payment\",\"subscription\":null}",
                false), false).outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(entry(eventWith("evt_i", "invoice.paid", "{\"id\":\"in_1\",\"object\":\"invoice\"}", false),
                false).subscriptionId()).isNull();
    }

    @Test
    void a_subscription_event_from_the_other_mode_is_rejected_and_reads_nothing() {
        LedgerEntry entry = entry(eventWith("evt_l", "customer.subscription.updated",
                "{\"id\":\"sub_1\",\"object\":\"subscription\"}", true), false);
        assertThat(entry.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(entry.subscriptionId()).isNull();
    }

    private static String objectFor(String type) {
        return switch (type) {
            case "invoice.paid" -> "{\"id\":\"in_1\",\"object\":\"invoice\",\"parent\":{\"subscription_details\":"
                    + "{\"subscription\":\"sub_1\"}}}";
            case "invoice.payment_failed" -> "{\"id\":\"in_1\",\"object\":\"invoice\",\"subscription\":\"sub_1\"}";
            case "checkout.session.completed" -> "{\"id\":\"cs_1\",\"object\":\"checkout.session\","
                    + "\"mode\":\"subscription\",\"subscription\":\"sub_1\"}";
            default -> "{\"id\":\"sub_1\",\"object\":\"subscription\",\"status\":\"active\"}";
        };
    }

    private static String eventWith(String id, String type, String object, boolean livemode) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"created\":1,"
                + "\"livemode\":" + livemode + ",\"data\":{\"object\":" + object + "}}";
    }
}
