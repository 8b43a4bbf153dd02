package io.plansync.payment.webhook;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.checkout.StripeProperties;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Verifies Stripe-Signature over the raw body with stripe-java, against every configured secret (rotation), within
 * the configured tolerance. Any failure is the same 400: nothing about which check failed leaks to the sender.
 */
@Singleton
public class StripeSignatures {
    private final List<String> secrets;
    private final long toleranceSeconds;

    public StripeSignatures(StripeProperties properties) {
        this.secrets = properties.webhookSecretList();
        this.toleranceSeconds = properties.webhookTolerance().toSeconds();
    }

    /** Returns normally only if one of the secrets signed this payload within the tolerance. */
    public void verify(String payload, String signatureHeader) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw invalid();
        }
        for (String secret : secrets) {
            try {
                Webhook.Signature.verifyHeader(payload, signatureHeader, secret, toleranceSeconds);
                return;
            } catch (SignatureVerificationException | RuntimeException e) {
                // Not this secret, or a header stripe-java cannot even parse ("t=", "t=abc"): try the next secret.
            }
        }
        throw invalid();
    }

    private static ProblemException invalid() {
        return new ProblemException(HttpStatus.BAD_REQUEST, ProblemCodes.WEBHOOK_SIGNATURE_INVALID,
                "Invalid signature", "The Stripe-Signature header does not verify.");
    }
}
