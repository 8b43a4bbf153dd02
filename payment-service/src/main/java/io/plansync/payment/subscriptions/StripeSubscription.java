package io.plansync.payment.subscriptions;

import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;

/**
 * The part of a Stripe subscription PlanSync reads, as Stripe answered a retrieve of it (never as an event carried
 * it: events arrive in any order). With Stripe's API version of stripe-java 33 the billing period is on the item.
 */
public record StripeSubscription(String id, String customerId, String status, @Nullable String priceId,
                                 @Nullable Instant currentPeriodStart, @Nullable Instant currentPeriodEnd,
                                 boolean cancelAtPeriodEnd, @Nullable Instant cancelAt, @Nullable Instant created,
                                 int items) {

    public static StripeSubscription of(Subscription subscription) {
        List<SubscriptionItem> items = subscription.getItems() == null || subscription.getItems().getData() == null
                ? List.of() : subscription.getItems().getData();
        SubscriptionItem first = items.isEmpty() ? null : items.getFirst();
        return new StripeSubscription(subscription.getId(), subscription.getCustomer(), subscription.getStatus(),
                first == null || first.getPrice() == null ? null : first.getPrice().getId(),
                first == null ? null : instant(first.getCurrentPeriodStart()),
                first == null ? null : instant(first.getCurrentPeriodEnd()),
                Boolean.TRUE.equals(subscription.getCancelAtPeriodEnd()), instant(subscription.getCancelAt()),
                instant(subscription.getCreated()), items.size());
    }

    private static @Nullable Instant instant(@Nullable Long epochSeconds) {
        return epochSeconds == null ? null : Instant.ofEpochSecond(epochSeconds);
    }
}
