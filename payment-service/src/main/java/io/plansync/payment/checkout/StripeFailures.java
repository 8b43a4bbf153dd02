package io.plansync.payment.checkout;

import com.stripe.exception.StripeException;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/** A failed Stripe call during a user's request: logged without secrets, answered 502 with a code. */
public final class StripeFailures {
    private static final Logger LOG = LoggerFactory.getLogger(StripeFailures.class);

    private StripeFailures() {
    }

    public static ProblemException unavailable(String during, UUID userId, StripeException e) {
        LOG.error("Stripe call failed during {} for user {}: {} (HTTP {}, code {})", during, userId,
                e.getClass().getSimpleName(), e.getStatusCode(), e.getCode());
        return new ProblemException(HttpStatus.BAD_GATEWAY, ProblemCodes.STRIPE_UNAVAILABLE, "Stripe unavailable",
                "The payment provider could not be reached; nothing was charged. Try again.");
    }
}
