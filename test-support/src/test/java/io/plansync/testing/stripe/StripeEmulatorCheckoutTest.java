package io.plansync.testing.stripe;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.StripeClient;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Customer;
import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Price;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.EventListParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import io.plansync.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.plansync.testing.stripe.Harness.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The emulator driven through stripe-java as a service would: checkout, webhooks, idempotency, events, errors. */
class StripeEmulatorCheckoutTest {
    private Harness.Receiver receiver;
    private StripeEmulator emulator;
    private StripeClient stripe;

    @BeforeEach
    void start() {
        receiver = new Harness.Receiver();
        emulator = new StripeEmulator(StripeEmulator.Options.defaults().webhook(receiver.url(), SECRET)
                .webhookRetries(3, Duration.ofMillis(50)));
        stripe = Harness.stripe(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
        receiver.close();
    }

    @Test
    void hostedCheckoutPageCreatesAnActiveSubscriptionSeenThroughStripeJava() throws Exception {
        Price pro = Harness.monthlyPrice(stripe, "Pro", 2900);
        Customer customer = Harness.customer(stripe, "user-1");
        Session session = Harness.checkout(stripe, customer.getId(), pro.getId(), "user-1");
        assertThat(session.getStatus()).isEqualTo("open");
        assertThat(session.getUrl()).startsWith(emulator.url() + "/");
        assertThat(session.getId()).startsWith("cs_test_");

        HttpResponse<String> page = Harness.get(session.getUrl());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Not Stripe", ">Pay</button>", "Pay with a failing card", "29.00 USD");

        HttpResponse<String> paid = Harness.post(session.getUrl(), "card=good");
        assertThat(paid.statusCode()).isEqualTo(303);
        assertThat(paid.headers().firstValue("Location")).contains(
                "http://app.test/success?session=" + session.getId());

        Session completed = stripe.v1().checkout().sessions().retrieve(session.getId());
        assertThat(completed.getStatus()).isEqualTo("complete");
        assertThat(completed.getPaymentStatus()).isEqualTo("paid");
        assertThat(completed.getClientReferenceId()).isEqualTo("user-1");
        assertThat(completed.getMetadata()).containsEntry("userId", "user-1");

        Subscription subscription = stripe.v1().subscriptions().retrieve(completed.getSubscription());
        assertThat(subscription.getStatus()).isEqualTo("active");
        assertThat(subscription.getCustomer()).isEqualTo(customer.getId());
        assertThat(subscription.getMetadata()).containsEntry("userId", "user-1");
        assertThat(subscription.getCancelAtPeriodEnd()).isFalse();
        SubscriptionItem item = subscription.getItems().getData().getFirst();
        assertThat(item.getPrice().getId()).isEqualTo(pro.getId());
        long start = emulator.now().getEpochSecond();
        assertThat(item.getCurrentPeriodStart()).isEqualTo(start);
        assertThat(item.getCurrentPeriodEnd()).isEqualTo(
                Instant.ofEpochSecond(start).atZone(ZoneOffset.UTC).plusMonths(1).toEpochSecond());

        Invoice invoice = stripe.v1().invoices().retrieve(subscription.getLatestInvoice());
        assertThat(invoice.getStatus()).isEqualTo("paid");
        assertThat(invoice.getAmountPaid()).isEqualTo(2900L);
        assertThat(invoice.getBillingReason()).isEqualTo("subscription_create");
        assertThat(invoice.getParent().getSubscriptionDetails().getSubscription()).isEqualTo(subscription.getId());

        StripeCollection<Event> events = stripe.v1().events().list(EventListParams.builder().setLimit(100L).build());
        assertThat(events.getData()).extracting(Event::getType).contains("checkout.session.completed",
                "customer.subscription.created", "invoice.paid");
        Event sessionCompleted = events.getData().stream()
                .filter(e -> e.getType().equals("checkout.session.completed")).findFirst().orElseThrow();
        Session inEvent = (Session) sessionCompleted.getDataObjectDeserializer().getObject().orElseThrow();
        assertThat(inEvent.getClientReferenceId()).isEqualTo("user-1");
        assertThat(inEvent.getSubscription()).isEqualTo(subscription.getId());
        Event created = events.getData().stream()
                .filter(e -> e.getType().equals("customer.subscription.created")).findFirst().orElseThrow();
        Subscription inCreated = (Subscription) created.getDataObjectDeserializer().getObject().orElseThrow();
        assertThat(inCreated.getItems().getData().getFirst().getPrice().getId()).isEqualTo(pro.getId());

        // Expansion, as a service reading the session after the redirect might do.
        Session expanded = stripe.v1().checkout().sessions().retrieve(session.getId(),
                com.stripe.param.checkout.SessionRetrieveParams.builder().addExpand("subscription")
                        .addExpand("line_items").build());
        assertThat(expanded.getSubscriptionObject().getStatus()).isEqualTo("active");
        assertThat(expanded.getLineItems().getData().getFirst().getPrice().getId()).isEqualTo(pro.getId());
    }

    @Test
    void aDeclinedCardLeavesTheSessionOpenAndAPaidSessionCannotBePaidAgain() throws Exception {
        Price pro = Harness.monthlyPrice(stripe, "Pro", 2900);
        Session session = Harness.checkout(stripe, Harness.customer(stripe, "u").getId(), pro.getId(), "u");

        HttpResponse<String> declined = Harness.post(session.getUrl(), "card=declined");
        assertThat(declined.statusCode()).isEqualTo(200);
        assertThat(declined.body()).contains("Your card was declined.");
        assertThat(stripe.v1().checkout().sessions().retrieve(session.getId()).getStatus()).isEqualTo("open");
        assertThat(emulator.events("customer.subscription.created")).isEmpty();

        assertThat(Harness.post(session.getUrl(), "card=good").statusCode()).isEqualTo(303);
        HttpResponse<String> again = Harness.post(session.getUrl(), "card=good");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("This checkout session is complete.");
        assertThat(emulator.events("customer.subscription.created")).hasSize(1);
    }

    @Test
    void webhooksAreSignedAsStripeSignsThemAndVerifyWithStripeJava() throws Exception {
        Price pro = Harness.monthlyPrice(stripe, "Pro", 2900);
        Subscription subscription = Harness.subscribe(stripe, pro.getId(), "user-2", "good");

        List<Harness.Receiver.Received> received = Eventually.await("checkout.session.completed delivered",
                Duration.ofSeconds(10), receiver::received, r -> r.stream()
                        .anyMatch(x -> x.payload().contains("\"checkout.session.completed\"")));
        for (Harness.Receiver.Received delivery : received) {
            assertThat(delivery.signature()).matches("t=\\d+,v1=[0-9a-f]{64}");
            Event event = Webhook.constructEvent(delivery.payload(), delivery.signature(), SECRET);
            assertThat(event.getLivemode()).isFalse();
            assertThat(event.getId()).startsWith("evt_");
            assertThat(event.getApiVersion()).isEqualTo(com.stripe.Stripe.API_VERSION);
        }
        Harness.Receiver.Received any = received.getFirst();
        assertThatThrownBy(() -> Webhook.constructEvent(any.payload().replace("false", "true "), any.signature(),
                SECRET)).isInstanceOf(SignatureVerificationException.class);
        assertThatThrownBy(() -> Webhook.constructEvent(any.payload(), any.signature(), "whsec_other"))
                .isInstanceOf(SignatureVerificationException.class);

        Harness.Receiver.Received created = received.stream()
                .filter(x -> x.payload().contains("\"customer.subscription.created\"")).findFirst().orElseThrow();
        JsonObject envelope = JsonParser.parseString(created.payload()).getAsJsonObject();
        assertThat(envelope.get("object").getAsString()).isEqualTo("event");
        assertThat(envelope.get("pending_webhooks").getAsInt()).isEqualTo(1);
        JsonObject object = envelope.getAsJsonObject("data").getAsJsonObject("object");
        assertThat(object.get("id").getAsString()).isEqualTo(subscription.getId());
        assertThat(object.getAsJsonObject("items").getAsJsonArray("data").get(0).getAsJsonObject()
                .getAsJsonObject("price").get("id").getAsString()).isEqualTo(pro.getId());
        assertThat(object.get("status").getAsString()).isEqualTo("active");
        assertThat(object.has("current_period_end")).isTrue();
        // What was delivered is what GET /v1/events lists.
        assertThat(emulator.event(envelope.get("id").getAsString())).isEqualTo(created.payload());
    }

    @Test
    void aFailingEndpointIsRetriedUntilItAnswers2xx() throws Exception {
        AtomicCalls failures = new AtomicCalls(2);
        receiver.answer(() -> failures.next() ? 500 : 200);
        Customer customer = Harness.customer(stripe, "user-3");

        Eventually.await("customer.created delivered after two failures", Duration.ofSeconds(10),
                emulator::deliveries, d -> d.stream().anyMatch(StripeEmulator.Delivery::delivered));
        List<StripeEmulator.Delivery> deliveries = emulator.deliveries();
        assertThat(deliveries).extracting(StripeEmulator.Delivery::attempt).containsExactly(1, 2, 3);
        assertThat(deliveries).extracting(StripeEmulator.Delivery::status).containsExactly(500, 500, 200);
        assertThat(receiver.received()).singleElement().satisfies(r -> assertThat(r.payload())
                .contains(customer.getId()));
    }

    @Test
    void withDeliveryOffATestDeliversStoredEventsItselfShuffledAndDuplicated() throws Exception {
        emulator.setWebhookDelivery(false);
        Price pro = Harness.monthlyPrice(stripe, "Pro", 2900);
        Harness.subscribe(stripe, pro.getId(), "user-4", "good");
        assertThat(emulator.deliveries()).isEmpty();

        List<String> events = new ArrayList<>(emulator.events());
        events.addAll(events.subList(0, 3));
        Collections.shuffle(events, new Random(42));
        Set<String> ids = new HashSet<>();
        for (String payload : events) {
            Event event = Webhook.constructEvent(payload, emulator.signatureHeader(payload), SECRET);
            ids.add(event.getId());
            assertThat(event.getPendingWebhooks()).isZero();
        }
        assertThat(ids).hasSize(emulator.events().size());
        assertThat(receiver.calls()).isZero();
    }

    @Test
    void aRepeatedIdempotencyKeyGetsTheSameAnswerAndADifferentRequestWithItIsRefused() throws Exception {
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("plansync-customer-1").build();
        CustomerCreateParams params = CustomerCreateParams.builder().putMetadata("userId", "u1").build();
        Customer first = stripe.v1().customers().create(params, key);
        Customer second = stripe.v1().customers().create(params, key);
        assertThat(second.getId()).isEqualTo(first.getId());
        assertThat(emulator.events("customer.created")).hasSize(1);
        assertThat(emulator.requests("POST", "/v1/customers")).extracting(StripeEmulator.RecordedRequest::idempotentReplay)
                .containsExactly(false, true);
        assertThat(emulator.requests("POST", "/v1/customers").getFirst().params())
                .containsEntry("metadata[userId]", "u1");
        assertThat(emulator.requests("POST", "/v1/customers").getFirst().idempotencyKey())
                .isEqualTo("plansync-customer-1");

        assertThatThrownBy(() -> stripe.v1().customers().create(
                CustomerCreateParams.builder().putMetadata("userId", "u2").build(), key))
                .isInstanceOf(IdempotencyException.class);

        // Keys belong to the account: the same key on another endpoint is refused, as at Stripe.
        PaymentIntentCreateParams intent = PaymentIntentCreateParams.builder().setAmount(2900L).setCurrency("usd")
                .setCustomer(first.getId()).putMetadata("userId", "u1").putMetadata("plan", "pro").build();
        assertThatThrownBy(() -> stripe.v1().paymentIntents().create(intent, key))
                .isInstanceOfSatisfying(IdempotencyException.class,
                        e -> assertThat(e.getMessage()).contains("same endpoint"));
        RequestOptions intentKey = RequestOptions.builder().setIdempotencyKey("plansync-pi-1").build();
        PaymentIntent a = stripe.v1().paymentIntents().create(intent, intentKey);
        PaymentIntent b = stripe.v1().paymentIntents().create(intent, intentKey);
        assertThat(b.getId()).isEqualTo(a.getId());
        assertThat(b.getClientSecret()).isEqualTo(a.getClientSecret()).startsWith(a.getId() + "_secret_");
        assertThat(a.getStatus()).isEqualTo("requires_payment_method");
        PaymentIntent other = stripe.v1().paymentIntents().create(intent,
                RequestOptions.builder().setIdempotencyKey("another").build());
        assertThat(other.getId()).isNotEqualTo(a.getId());

        // Every POST honours it, checkout sessions included.
        Price pro = Harness.monthlyPrice(stripe, "Pro", 2900);
        RequestOptions checkoutKey = RequestOptions.builder().setIdempotencyKey("checkout-1").build();
        var sessionParams = com.stripe.param.checkout.SessionCreateParams.builder()
                .setMode(com.stripe.param.checkout.SessionCreateParams.Mode.SUBSCRIPTION)
                .setCustomer(first.getId()).setSuccessUrl("http://app.test/ok")
                .addLineItem(com.stripe.param.checkout.SessionCreateParams.LineItem.builder().setPrice(pro.getId())
                        .setQuantity(1L).build()).build();
        assertThat(stripe.v1().checkout().sessions().create(sessionParams, checkoutKey).getId())
                .isEqualTo(stripe.v1().checkout().sessions().create(sessionParams, checkoutKey).getId());
    }

    @Test
    void concurrentRetriesWithOneKeyMakeOneCustomer() throws Exception {
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("concurrent-1").build();
        CustomerCreateParams params = CustomerCreateParams.builder().putMetadata("userId", "u9").build();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(pool.submit(() -> stripe.v1().customers().create(params, key).getId()));
            }
            Set<String> distinct = new HashSet<>();
            for (var id : ids) {
                distinct.add(id.get());
            }
            assertThat(distinct).hasSize(1);
        }
        assertThat(emulator.events("customer.created")).hasSize(1);
    }

    @Test
    void eventsArePagedNewestFirstAndFilteredByTypeAndCreated() throws Exception {
        for (int i = 0; i < 25; i++) {
            Harness.customer(stripe, "user-" + i);
        }
        long later = emulator.advanceClock(Duration.ofHours(1)).getEpochSecond();
        Price pro = Harness.monthlyPrice(stripe, "Pro", 2900);

        StripeCollection<Event> first = stripe.v1().events().list(EventListParams.builder().setLimit(10L)
                .setType("customer.created").build());
        assertThat(first.getData()).hasSize(10);
        assertThat(first.getHasMore()).isTrue();
        List<String> seen = new ArrayList<>(first.getData().stream().map(Event::getId).toList());
        StripeCollection<Event> page = first;
        while (page.getHasMore()) {
            page = stripe.v1().events().list(EventListParams.builder().setLimit(10L).setType("customer.created")
                    .setStartingAfter(page.getData().getLast().getId()).build());
            page.getData().forEach(e -> seen.add(e.getId()));
        }
        assertThat(seen).hasSize(25).doesNotHaveDuplicates();
        List<String> oldestFirst = emulator.events("customer.created").stream()
                .map(e -> JsonParser.parseString(e).getAsJsonObject().get("id").getAsString()).toList();
        assertThat(seen).isEqualTo(reversed(oldestFirst));

        // stripe-java's auto-pagination walks the same pages.
        List<String> auto = new ArrayList<>();
        stripe.v1().events().list(EventListParams.builder().setLimit(7L).setType("customer.created").build())
                .autoPagingIterable().forEach(e -> auto.add(e.getId()));
        assertThat(auto).isEqualTo(seen);

        StripeCollection<Event> recent = stripe.v1().events().list(EventListParams.builder()
                .setCreated(EventListParams.Created.builder().setGte(later).build()).build());
        assertThat(recent.getData()).extracting(Event::getType).containsExactly("price.created", "product.created");
        assertThat(recent.getData().getFirst().getCreated()).isEqualTo(later);

        StripeCollection<Event> typed = stripe.v1().events().list(EventListParams.builder()
                .addType("price.created").addType("customer.created").setLimit(100L).build());
        assertThat(typed.getData()).hasSize(26);
        assertThat(typed.getData().getFirst().getType()).isEqualTo("price.created");
        assertThat(pro.getId()).startsWith("price_");
    }

    @Test
    void errorsHaveStripesShapeAndUnsupportedCallsSaySo() throws Exception {
        assertThatThrownBy(() -> stripe.v1().customers().retrieve("cus_missing"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(404);
                    assertThat(e.getCode()).isEqualTo("resource_missing");
                    assertThat(e.getMessage()).contains("No such customer: 'cus_missing'");
                });
        assertThatThrownBy(() -> stripe.v1().customers().create(CustomerCreateParams.builder()
                .putExtraParam("not_a_param", "x").build()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getCode()).isEqualTo("parameter_unknown");
                    assertThat(e.getParam()).isEqualTo("not_a_param");
                });
        assertThatThrownBy(() -> Harness.checkout(stripe, "cus_missing", "price_missing", "u"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getParam()).isEqualTo("customer");
                });
        assertThatThrownBy(() -> stripe.v1().refunds().create(
                com.stripe.param.RefundCreateParams.builder().setPaymentIntent("pi_x").build()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("PlanSync Stripe emulator");
                });
        StripeClient live = StripeClient.builder().setApiKey("sk_live_nope").setApiBase(emulator.url())
                .setMaxNetworkRetries(0).build();
        assertThatThrownBy(() -> Harness.customer(live, "u"))
                .isInstanceOf(com.stripe.exception.AuthenticationException.class);
    }

    @Test
    void switchingPlansThroughTheApiNeedsTheItemIdAsAtStripe() throws Exception {
        Price pro = Harness.monthlyPrice(stripe, "Pro", 2900);
        Price team = Harness.monthlyPrice(stripe, "Team", 9900);
        Subscription subscription = Harness.subscribe(stripe, pro.getId(), "user-5", "good");
        String itemId = subscription.getItems().getData().getFirst().getId();

        assertThatThrownBy(() -> stripe.v1().subscriptions().update(subscription.getId(),
                SubscriptionUpdateParams.builder().addItem(SubscriptionUpdateParams.Item.builder()
                        .setPrice(team.getId()).build()).build()))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.getMessage()).contains("items[0][id]"));

        Subscription switched = stripe.v1().subscriptions().update(subscription.getId(),
                SubscriptionUpdateParams.builder().addItem(SubscriptionUpdateParams.Item.builder().setId(itemId)
                        .setPrice(team.getId()).build()).build());
        assertThat(switched.getItems().getData().getFirst().getPrice().getId()).isEqualTo(team.getId());
        assertThat(switched.getItems().getData().getFirst().getId()).isEqualTo(itemId);
        Event updated = stripe.v1().events().list(EventListParams.builder()
                .setType("customer.subscription.updated").build()).getData().getFirst();
        assertThat(updated.getData().getPreviousAttributes()).containsKey("items");

        // Listed by customer and by price; canceled ones only when asked for.
        assertThat(stripe.v1().subscriptions().list(com.stripe.param.SubscriptionListParams.builder()
                .setCustomer(subscription.getCustomer()).build()).getData()).extracting(Subscription::getId)
                .containsExactly(subscription.getId());
        Subscription canceled = stripe.v1().subscriptions().cancel(subscription.getId());
        assertThat(canceled.getStatus()).isEqualTo("canceled");
        assertThat(stripe.v1().subscriptions().list(com.stripe.param.SubscriptionListParams.builder()
                .setCustomer(subscription.getCustomer()).build()).getData()).isEmpty();
        assertThat(emulator.events("customer.subscription.deleted")).hasSize(1);
    }

    private static List<String> reversed(List<String> list) {
        List<String> out = new ArrayList<>(list);
        Collections.reverse(out);
        return out;
    }

    /** Fails the first n calls. */
    private static final class AtomicCalls {
        private final java.util.concurrent.atomic.AtomicInteger left;

        AtomicCalls(int failures) {
            left = new java.util.concurrent.atomic.AtomicInteger(failures);
        }

        boolean next() {
            return left.getAndDecrement() > 0;
        }
    }
}
