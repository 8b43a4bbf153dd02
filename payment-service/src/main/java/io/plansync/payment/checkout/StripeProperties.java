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

    /** Whether the key is a live-mode one (test-mode events are then refused, and the reverse). */
    public boolean isLiveKey() {
        return secretKey != null && (secretKey.startsWith("sk_live_") || secretKey.startsWith("rk_live_"));
    }

    @Override
    public String toString() {
        return "StripeProperties[apiBase=" + apiBase + ", secrets=***]";
    }
}
