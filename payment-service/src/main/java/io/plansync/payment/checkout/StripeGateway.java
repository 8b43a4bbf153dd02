package io.plansync.payment.checkout;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.model.PaymentMethod;
import com.stripe.model.Subscription;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.PaymentMethodListParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.SubscriptionListParams;
import com.stripe.param.checkout.SessionCreateParams;
import io.micronaut.core.annotation.Nullable;
import io.plansync.payment.plans.PlanPrice;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.UUID;

/**
 * Every Stripe call payment-service makes. Every call that creates something carries an idempotency key, so a retry
 * never duplicates.
 */
@Singleton
public class StripeGateway {
    private final StripeClient stripe;

    public StripeGateway(StripeClient stripe) {
        this.stripe = stripe;
    }

    public String createCustomer(UUID userId) throws StripeException {
        Customer customer = stripe.v1().customers().create(
                CustomerCreateParams.builder().putMetadata("userId", userId.toString()).build(),
                // One key per attempt: stripe-java's own retries reuse it, while a new attempt after a failure is not
                // answered with Stripe's saved error for 24 hours. The per-user lock prevents a second customer.
                RequestOptions.builder().setIdempotencyKey("plansync-customer-" + userId + "-" + UUID.randomUUID())
                        .build());
        return customer.getId();
    }

    public PaymentIntent createPaymentIntent(UUID userId, String customerId, PlanPrice plan, String idempotencyKey)
            throws StripeException {
        return stripe.v1().paymentIntents().create(
                PaymentIntentCreateParams.builder()
                        .setAmount(plan.amount())
                        .setCurrency(plan.currency())
                        .setCustomer(customerId)
                        .putMetadata("userId", userId.toString())
                        .putMetadata("plan", plan.id())
                        .setAutomaticPaymentMethods(PaymentIntentCreateParams.AutomaticPaymentMethods.builder()
                                .setEnabled(true).build())
                        .build(),
                RequestOptions.builder().setIdempotencyKey(idempotencyKey).build());
    }

    /** The user id a customer's metadata names, or null; empty when Stripe deleted the customer. */
    public java.util.Optional<String> customerOwner(String customerId) throws StripeException {
        Customer customer = stripe.v1().customers().retrieve(customerId);
        if (Boolean.TRUE.equals(customer.getDeleted())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(customer.getMetadata() == null ? ""
                : customer.getMetadata().getOrDefault("userId", ""));
    }

    /** A subscription as Stripe states it now. */
    public Subscription subscription(String subscriptionId) throws StripeException {
        return stripe.v1().subscriptions().retrieve(subscriptionId);
    }

    /** The customer's subscriptions that have not ended (Stripe leaves canceled ones out unless asked). */
    public List<Subscription> openSubscriptions(String customerId) throws StripeException {
        return stripe.v1().subscriptions().list(SubscriptionListParams.builder().setCustomer(customerId)
                .setLimit(10L).build()).getData();
    }

    /** A Checkout Session in subscription mode for one catalog price. */
    public Session createCheckoutSession(UUID userId, String customerId, PlanPrice.Recurring price, int trialDays,
                                         String successUrl, String cancelUrl, String idempotencyKey)
            throws StripeException {
        SessionCreateParams.SubscriptionData.Builder subscription = SessionCreateParams.SubscriptionData.builder()
                .putMetadata("userId", userId.toString())
                .putMetadata("plan", price.plan());
        if (trialDays > 0) {
            subscription.setTrialPeriodDays((long) trialDays);
        }
        return stripe.v1().checkout().sessions().create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                        .setCustomer(customerId)
                        .addLineItem(SessionCreateParams.LineItem.builder().setPrice(price.priceId())
                                .setQuantity(1L).build())
                        .setClientReferenceId(userId.toString())
                        .putMetadata("userId", userId.toString())
                        .putMetadata("plan", price.plan())
                        .putMetadata("interval", price.interval().wire())
                        .setSubscriptionData(subscription.build())
                        .setSuccessUrl(successUrl)
                        .setCancelUrl(cancelUrl)
                        .build(),
                RequestOptions.builder().setIdempotencyKey(idempotencyKey).build());
    }

    /** A Customer Portal session for the customer. */
    public com.stripe.model.billingportal.Session createPortalSession(String customerId, String returnUrl)
            throws StripeException {
        return stripe.v1().billingPortal().sessions().create(
                com.stripe.param.billingportal.SessionCreateParams.builder().setCustomer(customerId)
                        .setReturnUrl(returnUrl).build(),
                RequestOptions.builder().setIdempotencyKey("plansync-portal-" + UUID.randomUUID()).build());
    }

    /** A customer's saved cards, newest first (at most 100: far more than a person keeps). */
    public List<PaymentMethod> cards(String customerId) throws StripeException {
        return stripe.v1().paymentMethods().list(PaymentMethodListParams.builder().setCustomer(customerId)
                .setType(PaymentMethodListParams.Type.CARD).setLimit(100L).build()).getData();
    }

    /** The card a customer's invoices are paid with, or null. */
    public @Nullable String defaultPaymentMethod(String customerId) throws StripeException {
        Customer customer = stripe.v1().customers().retrieve(customerId);
        return customer.getInvoiceSettings() == null ? null
                : customer.getInvoiceSettings().getDefaultPaymentMethod();
    }

    /** The customer a payment method is attached to, or null (detached, or never attached). */
    public @Nullable String ownerOfPaymentMethod(String paymentMethodId) throws StripeException {
        return stripe.v1().paymentMethods().retrieve(paymentMethodId).getCustomer();
    }

    public void makeDefaultPaymentMethod(String customerId, String paymentMethodId) throws StripeException {
        stripe.v1().customers().update(customerId, CustomerUpdateParams.builder()
                .setInvoiceSettings(CustomerUpdateParams.InvoiceSettings.builder()
                        .setDefaultPaymentMethod(paymentMethodId).build()).build());
    }

    public void detachPaymentMethod(String paymentMethodId) throws StripeException {
        stripe.v1().paymentMethods().detach(paymentMethodId);
    }

    /**
     * A Checkout Session in setup mode: Stripe's hosted page takes the card (PlanSync never sees its number) and
     * saves it for the customer through a SetupIntent.
     */
    public Session createCardSetupSession(UUID userId, String customerId, String successUrl, String cancelUrl)
            throws StripeException {
        return stripe.v1().checkout().sessions().create(SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.SETUP)
                        .setCustomer(customerId)
                        .addPaymentMethodType(SessionCreateParams.PaymentMethodType.CARD)
                        .setClientReferenceId(userId.toString())
                        .putMetadata("userId", userId.toString())
                        .putMetadata("purpose", "save-card")
                        .setSuccessUrl(successUrl)
                        .setCancelUrl(cancelUrl)
                        .build(),
                RequestOptions.builder().setIdempotencyKey("plansync-card-setup-" + UUID.randomUUID()).build());
    }
}
