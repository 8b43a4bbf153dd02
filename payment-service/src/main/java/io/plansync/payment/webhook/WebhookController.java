package io.plansync.payment.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.auth.SignatureAuthenticated;
import io.plansync.support.input.VerbatimBody;
import io.plansync.support.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Stripe's webhook. The signature is checked over the raw bytes before anything is parsed or stored; the answer
 * is sent only after the event's transaction has committed. It runs on the event loop and blocks nothing: checking
 * a signature and reading a small body are quick, and {@link HandleStripeEvent} moves all database work off it.
 */
@Controller
public class WebhookController {
    private final StripeSignatures signatures;
    private final HandleStripeEvent handleStripeEvent;

    public WebhookController(StripeSignatures signatures, HandleStripeEvent handleStripeEvent) {
        this.signatures = signatures;
        this.handleStripeEvent = handleStripeEvent;
    }

    @Post("/webhook")
    @SignatureAuthenticated
    @VerbatimBody
    @Consumes(MediaType.ALL)
    @Secured(SecurityRule.IS_ANONYMOUS)
    public CompletableFuture<Ack> receive(@Nullable @Body byte[] body,
                                          @Nullable @Header("Stripe-Signature") String signature) {
        String payload = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        StripeEvent event;
        try {
            signatures.verify(payload, signature);
            event = StripeEvent.parse(payload);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, ProblemCodes.VALIDATION_FAILED, "Invalid event",
                    "The event has no readable id, type, created time or data object.");
        }
        return handleStripeEvent.handle(event).thenApply(result -> new Ack(true, result.duplicate()));
    }

    @Serdeable
    public record Ack(boolean received, boolean duplicate) {
    }
}
