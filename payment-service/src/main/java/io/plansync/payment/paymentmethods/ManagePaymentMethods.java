package io.plansync.payment.paymentmethods;

import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.PaymentMethod;
import io.micronaut.http.HttpStatus;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.checkout.CustomerAccounts;
import io.plansync.payment.checkout.StripeFailures;
import io.plansync.payment.checkout.StripeGateway;
import io.plansync.payment.subscriptions.SubscriptionProperties;
import io.plansync.support.problem.ProblemException;
import io.plansync.support.tokens.TokenChecks;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A signed-in user's cards: listed, added (on Stripe's hosted page), made the default, removed. The boundary
 * ({@code billing}) has already authenticated the session and its CSRF token; each operation here also needs an
 * operation token for its category, issued to this user for their customer and not used before.
 */
@Singleton
public class ManagePaymentMethods {
    private static final Logger LOG = LoggerFactory.getLogger(ManagePaymentMethods.class);
    private static final Pattern PAYMENT_METHOD_ID = Pattern.compile("pm_[A-Za-z0-9]{1,100}");

    private final OperationTokens tokens;
    private final OperationTokenUses uses;
    private final PaymentMethodLimits limits;
    private final CustomerAccounts customers;
    private final StripeGateway stripe;
    private final SubscriptionProperties pages;

    public ManagePaymentMethods(OperationTokens tokens, OperationTokenUses uses, PaymentMethodLimits limits,
                                CustomerAccounts customers, StripeGateway stripe, SubscriptionProperties pages) {
        this.tokens = tokens;
        this.uses = uses;
        this.limits = limits;
        this.customers = customers;
        this.stripe = stripe;
        this.pages = pages;
    }

    /** A saved card as the page shows it: never more of the number than Stripe's last four digits. */
    @Serdeable
    public record Card(String id, String brand, String last4, Long expMonth, Long expYear, boolean isDefault) {
    }

    @Serdeable
    public record Cards(List<Card> paymentMethods) {
    }

    /**
     * An operation token for the user's own customer. Adding the first card creates the customer; any other
     * operation for a user without one is 409 {@code NO_BILLING_ACCOUNT}.
     */
    public OperationTokens.Minted issue(UUID userId, OperationCategory category) {
        limits.takeToken(userId);
        try {
            String customer = category == OperationCategory.WRITE
                    ? customers.customerFor(userId, CustomerAccounts.PAYMENT_METHODS)
                    : customers.existing(userId, CustomerAccounts.PAYMENT_METHODS).orElseThrow(() ->
                    new ProblemException(HttpStatus.CONFLICT, ProblemCodes.NO_BILLING_ACCOUNT, "No billing account",
                            "You have no saved cards yet."));
            return tokens.mint(userId, customer, category);
        } catch (StripeException e) {
            throw StripeFailures.unavailable("operation token", userId, e);
        }
    }

    public Cards list(UUID sessionUser, String token) {
        OperationGrant grant = authorize(token, OperationCategory.READ, sessionUser);
        try {
            return cards(grant.customerId());
        } catch (StripeException e) {
            throw StripeFailures.unavailable("listing cards", sessionUser, e);
        }
    }

    /** Where to send the browser: Stripe's hosted page that takes the card, back to the billing page after. */
    public String startAdding(UUID sessionUser, String token) {
        OperationGrant grant = authorize(token, OperationCategory.WRITE, sessionUser);
        try {
            String back = pages.portalReturnUrl();
            return stripe.createCardSetupSession(sessionUser, grant.customerId(),
                    back + (back.contains("?") ? "&" : "?") + "card=saved", back).getUrl();
        } catch (StripeException e) {
            throw StripeFailures.unavailable("adding a card", sessionUser, e);
        }
    }

    public Cards makeDefault(UUID sessionUser, String token, String paymentMethodId) {
        OperationGrant grant = authorize(token, OperationCategory.WRITE, sessionUser);
        try {
            owned(grant, paymentMethodId);
            stripe.makeDefaultPaymentMethod(grant.customerId(), paymentMethodId);
            LOG.info("User {} made card {} their default", sessionUser, paymentMethodId);
            return cards(grant.customerId());
        } catch (StripeException e) {
            throw StripeFailures.unavailable("making a card the default", sessionUser, e);
        }
    }

    public Cards remove(UUID sessionUser, String token, String paymentMethodId) {
        OperationGrant grant = authorize(token, OperationCategory.DELETE, sessionUser);
        try {
            owned(grant, paymentMethodId);
            stripe.detachPaymentMethod(paymentMethodId);
            LOG.info("User {} removed card {}", sessionUser, paymentMethodId);
            return cards(grant.customerId());
        } catch (StripeException e) {
            throw StripeFailures.unavailable("removing a card", sessionUser, e);
        }
    }

    /**
     * The token's grant, if it covers this operation for this session's user and their customer as mapped now
     * (403 otherwise), was not used before (401 otherwise), and, for a change, the account is within its limits.
     */
    private OperationGrant authorize(String token, OperationCategory wanted, UUID sessionUser) {
        OperationGrant grant = tokens.verify(token);
        String mapped;
        try {
            mapped = customers.existing(sessionUser, CustomerAccounts.PAYMENT_METHODS).orElse(null);
        } catch (StripeException e) {
            throw StripeFailures.unavailable("checking the billing account", sessionUser, e);
        }
        grant.refusalFor(wanted, sessionUser, mapped).ifPresent(why -> {
            LOG.warn("Operation token {} refused for user {}: {}", grant.jti(), sessionUser, why);
            throw new ProblemException(HttpStatus.FORBIDDEN, ProblemCodes.OPERATION_TOKEN_FORBIDDEN, "Forbidden",
                    "This operation token does not allow this operation for this account.");
        });
        try {
            if (!uses.firstUse(grant.jti(), grant.expiresAt().plusSeconds(TokenChecks.SKEW_SECONDS))) {
                LOG.warn("Operation token {} replayed by user {}", grant.jti(), sessionUser);
                throw OperationTokens.invalid("replayed");
            }
        } catch (SQLException e) {
            LOG.error("Operation token store unavailable: {}", e.getClass().getSimpleName());
            throw ProblemException.unavailable("Try again in a moment.");
        }
        if (wanted.changes()) {
            limits.takeChange(sessionUser, wanted);
        }
        return grant;
    }

    /** 404 unless the card is attached to the grant's customer: another customer's card and no card look alike. */
    private void owned(OperationGrant grant, String paymentMethodId) throws StripeException {
        String owner;
        try {
            owner = PAYMENT_METHOD_ID.matcher(paymentMethodId).matches()
                    ? stripe.ownerOfPaymentMethod(paymentMethodId) : null;
        } catch (InvalidRequestException e) {
            if (e.getStatusCode() == null || e.getStatusCode() != 404) {
                throw e;
            }
            owner = null;
        }
        if (!grant.customerId().equals(owner)) {
            throw new ProblemException(HttpStatus.NOT_FOUND, ProblemCodes.PAYMENT_METHOD_NOT_FOUND, "Not found",
                    "No such card on your account.");
        }
    }

    private Cards cards(String customerId) throws StripeException {
        String preferred = stripe.defaultPaymentMethod(customerId);
        return new Cards(stripe.cards(customerId).stream().map(m -> card(m, preferred)).toList());
    }

    private static Card card(PaymentMethod method, String preferred) {
        PaymentMethod.Card card = method.getCard();
        return new Card(method.getId(), card == null ? null : card.getBrand(), card == null ? null : card.getLast4(),
                card == null ? null : card.getExpMonth(), card == null ? null : card.getExpYear(),
                method.getId().equals(preferred));
    }
}
