package io.plansync.payment.checkout;

import com.stripe.StripeClient;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;

/** The Stripe client. Missing settings stop the service at start, naming the variable to set. */
@Factory
public class StripeConfiguration {

    @Context
    StripeClient stripeClient(StripeProperties properties) {
        require(properties.secretKey(), "STRIPE_SECRET_KEY");
        if (properties.webhookSecretList().isEmpty()) {
            throw new IllegalStateException("STRIPE_WEBHOOK_SECRET is not set: payment-service cannot verify webhooks");
        }
        require(properties.apiBase(), "STRIPE_API_BASE");
        return StripeClient.builder()
                .setApiKey(properties.secretKey())
                .setApiBase(properties.apiBase().replaceAll("/+$", ""))
                .setMaxNetworkRetries(properties.maxNetworkRetries())
                .setConnectTimeout(5_000)
                .setReadTimeout(20_000)
                .build();
    }

    private static void require(String value, String variable) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " is not set: payment-service cannot talk to Stripe");
        }
    }
}
