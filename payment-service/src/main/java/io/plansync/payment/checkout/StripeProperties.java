package io.plansync.payment.checkout;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** plansync.stripe.*: Stripe credentials and where its API is (tests and local runs point it at a stand-in). */
@ConfigurationProperties("plansync.stripe")
public record StripeProperties(@Nullable String secretKey, @Nullable String webhookSecrets, String apiBase,
                               Duration webhookTolerance, int maxNetworkRetries) {

    /** Every configured webhook signing secret; several during a rotation. */
    public List<String> webhookSecretList() {
        return webhookSecrets == null ? List.of()
                : Arrays.stream(webhookSecrets.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public String toString() {
        return "StripeProperties[apiBase=" + apiBase + ", secrets=***]";
    }
}
