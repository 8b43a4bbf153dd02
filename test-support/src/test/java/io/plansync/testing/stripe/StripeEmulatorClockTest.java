package io.plansync.testing.stripe;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.StripeClient;
import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.model.Price;
import com.stripe.model.Subscription;
import com.stripe.model.billingportal.Session;
import com.stripe.param.EventListParams;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.billingportal.SessionCreateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The test clock: renewals, failed renewals and their retries, cancellation at period end, trials; the portal. */
class StripeEmulatorClockTest {
    private StripeEmulator emulator;
    private StripeClient stripe;
    private Price pro;

    @BeforeEach
    void start() throws Exception {
        // A fixed start (a 31-day month follows) keeps the period arithmetic below exact.
        emulator = new StripeEmulator(StripeEmulator.Options.defaults()
                .clock(Instant.parse("2030-01-10T12:00:00Z"), true));
        stripe = Harness.stripe(emulator);
        pro = Harness.monthlyPrice(stripe, "Pro", 2900);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void advancingPastThePeriodEndRenewsWithAPaidInvoice() throws Exception {
        Subscription subscription = Harness.subscribe(stripe, pro.getId(), "user-1", "good");
        long firstEnd = periodEnd(subscription);
        assertThat(firstEnd).isEqualTo(epoch("2030-02-10T12:00:00Z"));

        emulator.advanceClock(Duration.ofDays(30));
        assertThat(periodEnd(retrieve(subscription))).isEqualTo(firstEnd);
        assertThat(emulator.events("invoice.paid")).hasSize(1);

        emulator.advanceClock(Duration.ofDays(1));
        Subscription renewed = retrieve(subscription);
        assertThat(renewed.getStatus()).isEqualTo("active");
        assertThat(renewed.getItems().getData().getFirst().getCurrentPeriodStart()).isEqualTo(firstEnd);
        assertThat(periodEnd(renewed)).isEqualTo(epoch("2030-03-10T12:00:00Z"));
        Invoice invoice = stripe.v1().invoices().retrieve(renewed.getLatestInvoice());
        assertThat(invoice.getBillingReason()).isEqualTo("subscription_cycle");
        assertThat(invoice.getStatus()).isEqualTo("paid");
        assertThat(invoice.getAmountPaid()).isEqualTo(2900L);
        assertThat(invoice.getCreated()).isEqualTo(firstEnd);
        assertThat(invoice.getLines().getData().getFirst().getPeriod().getEnd()).isEqualTo(periodEnd(renewed));

        List<Event> updates = stripe.v1().events().list(EventListParams.builder()
                .setType("customer.subscription.updated").build()).getData();
        assertThat(updates).hasSize(1);
        assertThat(updates.getFirst().getCreated()).isEqualTo(firstEnd);
        assertThat(updates.getFirst().getData().getPreviousAttributes()).containsKey("current_period_end");

        // Three months at once: three renewals, each at its own time, in order.
        emulator.advanceClock(Duration.ofDays(92));
        List<Long> paidAt = emulator.events("invoice.paid").stream().map(StripeEmulatorClockTest::created).toList();
        assertThat(paidAt).containsExactly(epoch("2030-01-10T12:00:00Z"), epoch("2030-02-10T12:00:00Z"),
                epoch("2030-03-10T12:00:00Z"), epoch("2030-04-10T12:00:00Z"), epoch("2030-05-10T12:00:00Z"));
        assertThat(periodEnd(retrieve(subscription))).isEqualTo(epoch("2030-06-10T12:00:00Z"));
    }

    @Test
    void aFailingCardGoesPastDueAndIsCanceledAfterTheRetries() throws Exception {
        Subscription subscription = Harness.subscribe(stripe, pro.getId(), "user-2", "fails_renewals");
        assertThat(subscription.getStatus()).isEqualTo("active");
        long periodEnd = periodEnd(subscription);

        emulator.advanceClock(Duration.ofDays(31));
        Subscription pastDue = retrieve(subscription);
        assertThat(pastDue.getStatus()).isEqualTo("past_due");
        Invoice open = stripe.v1().invoices().retrieve(pastDue.getLatestInvoice());
        assertThat(open.getStatus()).isEqualTo("open");
        assertThat(open.getAttemptCount()).isEqualTo(1L);
        assertThat(open.getNextPaymentAttempt()).isEqualTo(periodEnd + Duration.ofDays(1).toSeconds());
        assertThat(emulator.events("invoice.payment_failed")).hasSize(1);

        emulator.advanceClock(Duration.ofDays(3));
        assertThat(retrieve(subscription).getStatus()).isEqualTo("past_due");
        assertThat(emulator.events("invoice.payment_failed")).hasSize(3);

        emulator.advanceClock(Duration.ofDays(4));
        Subscription canceled = retrieve(subscription);
        assertThat(canceled.getStatus()).isEqualTo("canceled");
        assertThat(canceled.getEndedAt()).isEqualTo(periodEnd + Duration.ofDays(7).toSeconds());
        assertThat(canceled.getCancellationDetails().getReason()).isEqualTo("payment_failed");
        assertThat(emulator.events("invoice.payment_failed")).hasSize(4);
        Invoice last = stripe.v1().invoices().retrieve(canceled.getLatestInvoice());
        assertThat(last.getAttemptCount()).isEqualTo(4L);
        assertThat(last.getNextPaymentAttempt()).isNull();
        List<String> types = emulator.events().stream().map(StripeEmulatorClockTest::type).toList();
        assertThat(types.subList(types.indexOf("customer.subscription.created"), types.size()))
                .containsSubsequence("invoice.payment_failed", "customer.subscription.updated",
                        "invoice.payment_failed", "invoice.payment_failed", "invoice.payment_failed",
                        "customer.subscription.deleted");

        // Nothing renews after the end.
        emulator.advanceClock(Duration.ofDays(60));
        assertThat(emulator.events("invoice.created")).hasSize(2);
    }

    @Test
    void fixingTheCardBeforeTheLastRetryMakesTheSubscriptionActiveAgain() throws Exception {
        Subscription subscription = Harness.subscribe(stripe, pro.getId(), "user-3", "fails_renewals");
        emulator.advanceClock(Duration.ofDays(31));
        assertThat(retrieve(subscription).getStatus()).isEqualTo("past_due");

        // The admin endpoint a local run would use.
        HttpResponse<String> fixed = Harness.post(emulator.url() + "/__emulator/customers/"
                + subscription.getCustomer() + "/card?fails=false", "");
        assertThat(fixed.statusCode()).isEqualTo(200);
        HttpResponse<String> advanced = Harness.post(emulator.url() + "/__emulator/clock/advance?seconds="
                + Duration.ofDays(1).toSeconds(), "");
        assertThat(advanced.statusCode()).isEqualTo(200);

        Subscription active = retrieve(subscription);
        assertThat(active.getStatus()).isEqualTo("active");
        Invoice paid = stripe.v1().invoices().retrieve(active.getLatestInvoice());
        assertThat(paid.getStatus()).isEqualTo("paid");
        assertThat(paid.getAttemptCount()).isEqualTo(2L);
        emulator.advanceClock(Duration.ofDays(10));
        assertThat(retrieve(subscription).getStatus()).isEqualTo("active");
    }

    @Test
    void cancelAtPeriodEndEndsTheSubscriptionAtThePeriodEnd() throws Exception {
        Subscription subscription = Harness.subscribe(stripe, pro.getId(), "user-4", "good");
        long periodEnd = periodEnd(subscription);
        Subscription canceling = stripe.v1().subscriptions().update(subscription.getId(),
                SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build());
        assertThat(canceling.getCancelAtPeriodEnd()).isTrue();
        assertThat(canceling.getCancelAt()).isEqualTo(periodEnd);
        assertThat(canceling.getStatus()).isEqualTo("active");
        assertThat(emulator.events("customer.subscription.updated")).hasSize(1);

        emulator.advanceClock(Duration.ofDays(31).minusSeconds(1));
        assertThat(retrieve(subscription).getStatus()).isEqualTo("active");
        emulator.advanceClock(Duration.ofSeconds(1));
        Subscription ended = retrieve(subscription);
        assertThat(ended.getStatus()).isEqualTo("canceled");
        assertThat(ended.getEndedAt()).isEqualTo(periodEnd);
        assertThat(emulator.events("customer.subscription.deleted")).singleElement()
                .satisfies(e -> assertThat(created(e)).isEqualTo(periodEnd));
        assertThat(emulator.events("invoice.created")).hasSize(1);
    }

    @Test
    void aTrialWarnsThreeDaysAheadThenEndsWithTheFirstPaidInvoice() throws Exception {
        String trialPrice = emulator.createPrice(StripeEmulator.PriceSpec.monthly("price_pro_trial", 2900, "usd")
                .withTrialDays(14).withProductName("Pro with trial"));
        Subscription subscription = Harness.subscribe(stripe, trialPrice, "user-5", "good");
        assertThat(subscription.getStatus()).isEqualTo("trialing");
        long trialEnd = epoch("2030-01-24T12:00:00Z");
        assertThat(subscription.getTrialEnd()).isEqualTo(trialEnd);
        assertThat(periodEnd(subscription)).isEqualTo(trialEnd);
        Invoice first = stripe.v1().invoices().retrieve(subscription.getLatestInvoice());
        assertThat(first.getAmountDue()).isZero();
        assertThat(first.getStatus()).isEqualTo("paid");

        emulator.advanceClock(Duration.ofDays(11));
        assertThat(emulator.events("customer.subscription.trial_will_end")).singleElement()
                .satisfies(e -> assertThat(created(e)).isEqualTo(trialEnd - Duration.ofDays(3).toSeconds()));
        assertThat(retrieve(subscription).getStatus()).isEqualTo("trialing");

        emulator.advanceClock(Duration.ofDays(3));
        Subscription active = retrieve(subscription);
        assertThat(active.getStatus()).isEqualTo("active");
        assertThat(periodEnd(active)).isEqualTo(epoch("2030-02-24T12:00:00Z"));
        Invoice paid = stripe.v1().invoices().retrieve(active.getLatestInvoice());
        assertThat(paid.getAmountPaid()).isEqualTo(2900L);
        assertThat(paid.getBillingReason()).isEqualTo("subscription_cycle");
        Event trialEnded = stripe.v1().events().list(EventListParams.builder()
                .setType("customer.subscription.updated").build()).getData().getFirst();
        assertThat(trialEnded.getData().getPreviousAttributes()).containsEntry("status", "trialing");
    }

    @Test
    void thePortalPageCancelsAtPeriodEndAndSwitchesPlan() throws Exception {
        Price team = Harness.monthlyPrice(stripe, "Team", 9900);
        Subscription subscription = Harness.subscribe(stripe, pro.getId(), "user-6", "good");
        Session portal = stripe.v1().billingPortal().sessions().create(SessionCreateParams.builder()
                .setCustomer(subscription.getCustomer()).setReturnUrl("http://app.test/account").build());
        assertThat(portal.getUrl()).startsWith(emulator.url() + "/__emulator/portal/");

        HttpResponse<String> page = Harness.get(portal.getUrl());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Not Stripe", subscription.getId(), "Cancel at period end",
                "Switch to Team");

        HttpResponse<String> switched = Harness.post(portal.getUrl(), "action=switch&subscription="
                + subscription.getId() + "&price=" + team.getId());
        assertThat(switched.statusCode()).isEqualTo(303);
        assertThat(retrieve(subscription).getItems().getData().getFirst().getPrice().getId())
                .isEqualTo(team.getId());

        Harness.post(portal.getUrl(), "action=cancel&subscription=" + subscription.getId());
        Subscription canceling = retrieve(subscription);
        assertThat(canceling.getCancelAtPeriodEnd()).isTrue();
        assertThat(Harness.get(portal.getUrl()).body()).contains("Don&#39;t cancel", "cancels at period end");
        assertThat(emulator.events("customer.subscription.updated")).hasSize(2);

        emulator.advanceClock(Duration.ofDays(31));
        assertThat(retrieve(subscription).getStatus()).isEqualTo("canceled");
    }

    @Test
    void aTrialShorterThanTheNoticeWarnsAtOnce() throws Exception {
        String shortTrial = emulator.createPrice(StripeEmulator.PriceSpec.monthly("price_short", 900, "usd")
                .withTrialDays(2));
        Subscription subscription = Harness.subscribe(stripe, shortTrial, "user-9", "fails_renewals");
        assertThat(emulator.events("customer.subscription.trial_will_end")).hasSize(1);
        emulator.advanceClock(Duration.ofDays(2));
        // The trial's end is the first charge: the failing card makes it past_due.
        assertThat(retrieve(subscription).getStatus()).isEqualTo("past_due");
        assertThat(emulator.events("invoice.payment_failed")).hasSize(1);
    }

    @Test
    void switchingToAnotherIntervalStartsItsCycleAtTheNextPeriod() throws Exception {
        String yearly = emulator.createPrice(new StripeEmulator.PriceSpec("price_pro_yearly", null, "Pro yearly",
                29000, "usd", "year", 1, null));
        Subscription subscription = Harness.subscribe(stripe, pro.getId(), "user-10", "good");
        String itemId = subscription.getItems().getData().getFirst().getId();
        emulator.advanceClock(Duration.ofDays(10));
        stripe.v1().subscriptions().update(subscription.getId(), SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(itemId).setPrice(yearly).build()).build());
        assertThat(periodEnd(retrieve(subscription))).isEqualTo(epoch("2030-02-10T12:00:00Z"));
        emulator.advanceClock(Duration.ofDays(21));
        Subscription renewed = retrieve(subscription);
        assertThat(periodEnd(renewed)).isEqualTo(epoch("2031-02-10T12:00:00Z"));
        assertThat(stripe.v1().invoices().retrieve(renewed.getLatestInvoice()).getAmountPaid()).isEqualTo(29000L);
    }

    @Test
    void anUnpaidCheckoutSessionExpiresAfter24Hours() throws Exception {
        var session = Harness.checkout(stripe, Harness.customer(stripe, "user-8").getId(), pro.getId(), "user-8");
        emulator.advanceClock(Duration.ofHours(24));
        assertThat(stripe.v1().checkout().sessions().retrieve(session.getId()).getStatus()).isEqualTo("expired");
        assertThat(emulator.events("checkout.session.expired")).singleElement()
                .satisfies(e -> assertThat(created(e)).isEqualTo(session.getExpiresAt()));
        HttpResponse<String> page = Harness.post(emulator.url() + "/__emulator/checkout/" + session.getId(),
                "card=good");
        assertThat(page.body()).contains("This checkout session is expired.");
        assertThat(emulator.events("customer.subscription.created")).isEmpty();
    }

    @Test
    void resetForgetsEverythingAndTheRequestLogShowsWhatArrived() throws Exception {
        Harness.subscribe(stripe, pro.getId(), "user-7", "good");
        assertThat(emulator.requests()).extracting(StripeEmulator.RecordedRequest::path)
                .contains("/v1/prices", "/v1/customers", "/v1/checkout/sessions");
        assertThat(emulator.requests("POST", "/v1/checkout/sessions").getFirst().params())
                .containsEntry("line_items[0][price]", pro.getId())
                .containsEntry("client_reference_id", "user-7")
                .containsEntry("subscription_data[metadata][userId]", "user-7");
        emulator.advanceClock(Duration.ofDays(3));
        emulator.reset();
        assertThat(emulator.events()).isEmpty();
        assertThat(emulator.requests()).isEmpty();
        assertThat(emulator.now()).isEqualTo(Instant.parse("2030-01-10T12:00:00Z"));
        assertThat(stripe.v1().prices().list().getData()).isEmpty();
    }

    private Subscription retrieve(Subscription subscription) throws Exception {
        return stripe.v1().subscriptions().retrieve(subscription.getId());
    }

    private static long periodEnd(Subscription subscription) {
        return subscription.getItems().getData().getFirst().getCurrentPeriodEnd();
    }

    private static long epoch(String instant) {
        return Instant.parse(instant).atZone(ZoneOffset.UTC).toEpochSecond();
    }

    private static long created(String event) {
        return json(event).get("created").getAsLong();
    }

    private static String type(String event) {
        return json(event).get("type").getAsString();
    }

    private static JsonObject json(String event) {
        return JsonParser.parseString(event).getAsJsonObject();
    }
}
