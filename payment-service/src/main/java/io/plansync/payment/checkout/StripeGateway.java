package io.plansync.payment.checkout;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import io.plansync.payment.plans.PlanPrice;
import jakarta.inject.Singleton;

import java.util.UUID;

/** The two Stripe calls checkout makes. Every call carries an idempotency key, so a retry never duplicates. */
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
}
