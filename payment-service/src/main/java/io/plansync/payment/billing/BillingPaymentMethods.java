package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.plansync.payment.paymentmethods.ManagePaymentMethods;
import io.plansync.payment.paymentmethods.OperationCategory;
import io.plansync.payment.paymentmethods.OperationTokens;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;

import java.util.List;
import java.util.UUID;

/**
 * The billing pages' card management, for billing.js: each request needs the session and its CSRF token (the
 * boundary), and each card operation a fresh operation token for its category in {@code X-Operation-Token}, asked
 * for just before at POST /billing/operation-tokens.
 */
@Controller("/billing")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class BillingPaymentMethods {
    static final String OPERATION_TOKEN_HEADER = "X-Operation-Token";

    private final BrowserSessions sessions;
    private final ManagePaymentMethods paymentMethods;

    public BillingPaymentMethods(BrowserSessions sessions, ManagePaymentMethods paymentMethods) {
        this.sessions = sessions;
        this.paymentMethods = paymentMethods;
    }

    @Post("/operation-tokens")
    public BillingForms.OperationToken issue(HttpRequest<?> request,
                                             @Body @Nullable BillingForms.OperationTokenRequest form) {
        UUID user = signedIn(request);
        String wanted = form == null ? null : form.category();
        OperationCategory category = OperationCategory.fromWire(wanted).orElseThrow(() -> ProblemException.validation(
                List.of(new Problem.FieldError("category", "must be payment_methods:read, payment_methods:write "
                        + "or payment_methods:delete"))));
        OperationTokens.Minted minted = paymentMethods.issue(user, category);
        return new BillingForms.OperationToken(minted.token(), minted.category().wire(), minted.expiresAt());
    }

    @Get("/payment-methods")
    public ManagePaymentMethods.Cards list(HttpRequest<?> request,
                                           @Header(OPERATION_TOKEN_HEADER) @Nullable String token) {
        return paymentMethods.list(signedIn(request), token);
    }

    /** To Stripe's hosted page that takes the card; it sends the browser back to /billing. */
    @Post("/payment-methods")
    public BillingForms.Next add(HttpRequest<?> request, @Header(OPERATION_TOKEN_HEADER) @Nullable String token) {
        return new BillingForms.Next(paymentMethods.startAdding(signedIn(request), token));
    }

    @Post("/payment-methods/{id}/default")
    public ManagePaymentMethods.Cards makeDefault(HttpRequest<?> request, @PathVariable String id,
                                                  @Header(OPERATION_TOKEN_HEADER) @Nullable String token) {
        return paymentMethods.makeDefault(signedIn(request), token, id);
    }

    @Delete("/payment-methods/{id}")
    public ManagePaymentMethods.Cards remove(HttpRequest<?> request, @PathVariable String id,
                                             @Header(OPERATION_TOKEN_HEADER) @Nullable String token) {
        return paymentMethods.remove(signedIn(request), token, id);
    }

    private UUID signedIn(HttpRequest<?> request) {
        return sessions.userOf(sessions.forAction(request));
    }
}
