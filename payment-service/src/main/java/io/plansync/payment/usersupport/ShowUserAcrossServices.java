package io.plansync.payment.usersupport;

import com.stripe.exception.StripeException;
import com.stripe.model.Subscription;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.ServiceTokens;
import io.plansync.contracts.UserView;
import io.plansync.payment.checkout.Customers;
import io.plansync.payment.checkout.StripeGateway;
import io.plansync.payment.identity.IdentityClient;
import io.plansync.payment.identity.ServiceTokenIssuer;
import io.plansync.payment.operators.OperatorAudit;
import io.plansync.payment.outbox.Outbox;
import io.plansync.payment.userplan.ReadUserStatus;
import io.plansync.support.correlation.CorrelationId;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One user's plan as each party holds it, side by side, for an operator chasing a complaint: Stripe (the customer's
 * subscriptions, read now), payment-service (the plan it recorded and the sync's state) and identity-service (the
 * plan it grants), with the user's latest plan changes sent. A party that cannot be asked says why instead.
 */
@Singleton
public class ShowUserAcrossServices {
    static final int HISTORY = 20;

    private final ReadUserStatus payment;
    private final Customers customers;
    private final StripeGateway stripe;
    private final IdentityClient identity;
    private final ServiceTokenIssuer tokens;
    private final Outbox outbox;
    private final OperatorAudit audit;

    public ShowUserAcrossServices(ReadUserStatus payment, Customers customers, StripeGateway stripe,
                                  IdentityClient identity, ServiceTokenIssuer tokens, Outbox outbox,
                                  OperatorAudit audit) {
        this.audit = audit;
        this.payment = payment;
        this.customers = customers;
        this.stripe = stripe;
        this.identity = identity;
        this.tokens = tokens;
        this.outbox = outbox;
    }

    @Serdeable
    public record UserAcrossServices(String userId, StripeSide stripe, ReadUserStatus.UserStatus payment,
                                     IdentitySide identity, List<Change> history) {
    }

    /** {@code error} says why the other members are empty: no customer, or Stripe could not be read. */
    @Serdeable
    public record StripeSide(@Nullable String customerId, List<StripeSubscription> subscriptions,
                             @Nullable String error) {
    }

    @Serdeable
    public record StripeSubscription(String id, String status, @Nullable String priceId,
                                     @Nullable Instant currentPeriodEnd, boolean cancelAtPeriodEnd) {
    }

    /** {@code user} null with {@code error}: unknown at identity-service, or it could not be asked. */
    @Serdeable
    public record IdentitySide(@Nullable UserView user, @Nullable String error) {
    }

    /** One plan change sent (or to be sent) to identity-service. */
    @Serdeable
    public record Change(long outboxId, String plan, String status, @Nullable Instant validUntil, String state,
                         int attempts, @Nullable String lastError, Instant createdAt, Instant updatedAt) {
    }

    /** The view of one user, for an operator (audited). */
    public UserAcrossServices show(String operator, UUID userId) {
        audit.record(operator, "user-show", userId.toString(), "shown");
        return new UserAcrossServices(userId.toString(), stripeSide(userId), payment.of(userId), identitySide(userId),
                outbox.latestOfUser(userId, HISTORY).stream().map(r -> new Change(r.id(), r.plan(), r.status(),
                        r.validUntil(), r.state(), r.attempts(), r.lastError(), r.createdAt(), r.updatedAt()))
                        .toList());
    }

    private StripeSide stripeSide(UUID userId) {
        String customer = customers.stripeCustomerId(userId).orElse(null);
        if (customer == null) {
            return new StripeSide(null, List.of(), "no Stripe customer: the user never bought anything");
        }
        try {
            return new StripeSide(customer, stripe.openSubscriptions(customer).stream()
                    .map(ShowUserAcrossServices::subscription).toList(), null);
        } catch (StripeException e) {
            return new StripeSide(customer, List.of(), "Stripe could not be read: " + e.getClass().getSimpleName()
                    + (e.getStatusCode() == null ? "" : " (HTTP " + e.getStatusCode() + ")"));
        }
    }

    private static StripeSubscription subscription(Subscription s) {
        var item = s.getItems() == null || s.getItems().getData().isEmpty() ? null : s.getItems().getData().getFirst();
        Long end = item == null ? null : item.getCurrentPeriodEnd();
        return new StripeSubscription(s.getId(), s.getStatus(), item == null || item.getPrice() == null ? null
                : item.getPrice().getId(), end == null ? null : Instant.ofEpochSecond(end),
                Boolean.TRUE.equals(s.getCancelAtPeriodEnd()));
    }

    private IdentitySide identitySide(UUID userId) {
        try {
            HttpResponse<UserView> answer = identity.user(userId.toString(), "Bearer " + tokens.issue(Scopes.USERS_READ),
                    ServiceTokens.CLIENT_PAYMENT_SERVICE, CorrelationId.current().orElse(UUID.randomUUID().toString()));
            return new IdentitySide(answer.getBody().orElse(null), answer.getBody().isPresent() ? null
                    : "identity-service answered " + answer.code() + " without a body");
        } catch (HttpClientResponseException e) {
            return new IdentitySide(null, e.getStatus().getCode() == 404 ? "no such user at identity-service"
                    : "identity-service answered " + e.getStatus().getCode());
        } catch (HttpClientException e) {
            return new IdentitySide(null, "identity-service unreachable: " + e.getClass().getSimpleName());
        }
    }
}
