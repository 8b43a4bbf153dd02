package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.views.ModelAndView;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanFeatures;
import io.plansync.payment.auth.UserAuthentication;
import io.plansync.payment.plans.Interval;
import io.plansync.payment.plans.PlanCatalog;
import io.plansync.payment.plans.PlanPrice;
import io.plansync.payment.subscriptions.OpenBillingPortal;
import io.plansync.payment.subscriptions.StartSubscription;
import io.plansync.payment.subscriptions.SubscriptionMessages;
import io.plansync.payment.userplan.ReadUserStatus;
import io.plansync.support.correlation.CorrelationId;
import io.plansync.support.limits.ClientAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The billing pages under /billing: server-rendered HTML (Thymeleaf, every value escaped), a session behind HttpOnly
 * cookies ({@link BrowserSessions}), and state changes as JSON POSTs from billing.js that carry the CSRF token in a
 * header. Buying and managing go through the same use cases as the API, for the session's user only.
 */
@Controller("/billing")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class BillingPages {
    private static final Logger LOG = LoggerFactory.getLogger(BillingPages.class);
    static final String HOME = "/billing";
    static final String SIGN_IN = "/billing/sign-in";
    /** The operator console's page (it lives in the billing pages' path, so it shares their session and defences). */
    public static final String CONSOLE = "/billing/console";
    /** Where a sign-in may return to: only these, so that the parameter cannot send anyone elsewhere. */
    private static final Set<String> RETURN_TO = Set.of(HOME, CONSOLE);

    private final BrowserSessions sessions;
    private final SignInThroughIdentity signIn;
    private final PlanCatalog catalog;
    private final ReadUserStatus readUserStatus;
    private final StartSubscription startSubscription;
    private final OpenBillingPortal openBillingPortal;
    private final BillingRateLimits limits;
    private final ClientAddresses clientAddresses;

    public BillingPages(BrowserSessions sessions, SignInThroughIdentity signIn, PlanCatalog catalog,
                        ReadUserStatus readUserStatus, StartSubscription startSubscription,
                        OpenBillingPortal openBillingPortal, BillingRateLimits limits,
                        ClientAddresses clientAddresses) {
        this.limits = limits;
        this.clientAddresses = clientAddresses;
        this.sessions = sessions;
        this.signIn = signIn;
        this.catalog = catalog;
        this.readUserStatus = readUserStatus;
        this.startSubscription = startSubscription;
        this.openBillingPortal = openBillingPortal;
    }

    // --- pages --------------------------------------------------------------------------------------------------

    @Get
    public HttpResponse<?> home(HttpRequest<?> request) {
        BrowserSessions.ForPage page = sessions.forPage(request, clientAddress(request));
        Map<String, Object> model = page.model();
        model.put("plans", offers());
        if (page.session().signedIn()) {
            model.put("status", view(readUserStatus.of(page.session().userId())));
        }
        // Back from Stripe's card page (its success URL): the card list itself is read by billing.js.
        model.put("cardSaved", "saved".equals(request.getParameters().get("card")));
        return render("billing/home", model, page.cookies());
    }

    @Get("/sign-in")
    public HttpResponse<?> signInPage(HttpRequest<?> request, @Nullable @QueryValue String next) {
        BrowserSessions.ForPage page = sessions.forPage(request, clientAddress(request));
        Map<String, Object> model = page.model();
        model.put("next", returnTo(next));
        return render("billing/sign-in", model, page.cookies());
    }

    @Get("/register")
    public HttpResponse<?> registerPage(HttpRequest<?> request) {
        BrowserSessions.ForPage page = sessions.forPage(request, clientAddress(request));
        return render("billing/register", page.model(), page.cookies());
    }

    /** Stripe Checkout's success URL: shows progress until the plan is recorded and synced. */
    @Get("/return")
    public HttpResponse<?> returned(HttpRequest<?> request) {
        BrowserSessions.ForPage page = sessions.forPage(request, clientAddress(request));
        if (!page.session().signedIn()) {
            return withCookies(HttpResponse.seeOther(URI.create(SIGN_IN)), page.cookies());
        }
        ReadUserStatus.UserStatus status = readUserStatus.of(page.session().userId());
        Map<String, Object> model = page.model();
        model.put("status", view(status));
        model.put("done", !Plan.FREE.wire().equals(status.plan()) && status.sync().synced());
        return render("billing/return", model, page.cookies());
    }

    // --- actions (JSON from billing.js, CSRF header required) ----------------------------------------------------

    @Post("/sign-in")
    public HttpResponse<BillingForms.Next> signIn(HttpRequest<?> request,
                                                  @Body @Nullable BillingForms.Credentials form) {
        BrowserSessions.ForAction action = sessions.forAction(request);
        BillingForms.Credentials credentials = form == null ? new BillingForms.Credentials(null, null, null) : form;
        UserAuthentication.VerifiedUser user = signIn.signIn(credentials.email(), credentials.password(),
                clientAddress(request), correlationId());
        return next(returnTo(credentials.next()), sessions.signIn(action, user, credentials.email(),
                clientAddress(request)));
    }

    @Post("/register")
    public HttpResponse<BillingForms.Next> register(HttpRequest<?> request,
                                                    @Body @Nullable BillingForms.Credentials form) {
        BrowserSessions.ForAction action = sessions.forAction(request);
        BillingForms.Credentials credentials = form == null ? new BillingForms.Credentials(null, null, null) : form;
        UserAuthentication.VerifiedUser user = signIn.register(credentials.email(), credentials.password(),
                clientAddress(request), correlationId());
        return next(HOME, sessions.signIn(action, user, credentials.email(), clientAddress(request)));
    }

    @Post("/sign-out")
    public HttpResponse<BillingForms.Next> signOut(HttpRequest<?> request) {
        BrowserSessions.ForAction action = sessions.forAction(request);
        return next(SIGN_IN, sessions.signOut(action));
    }

    /** To Stripe Checkout for the plan and interval (prices from the catalog, the user from the session). */
    @Post("/subscribe")
    public HttpResponse<BillingForms.Next> subscribe(HttpRequest<?> request,
                                                     @Body @Nullable BillingForms.Subscribe form) {
        UUID user = limitedUser(request);
        BillingForms.Subscribe choice = form == null ? new BillingForms.Subscribe(null, null) : form;
        SubscriptionMessages.CheckoutSessionResponse session = startSubscription.start(user,
                new SubscriptionMessages.CheckoutSessionRequest(choice.plan(), choice.interval()), null);
        return next(session.url(), List.of());
    }

    /** To Stripe's Customer Portal for the session's user. */
    @Post("/portal")
    public HttpResponse<BillingForms.Next> portal(HttpRequest<?> request) {
        UUID user = limitedUser(request);
        return next(openBillingPortal.open(user).url(), List.of());
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** The session's signed-in user, within the account's limit of purchases and portal openings. */
    private UUID limitedUser(HttpRequest<?> request) {
        UUID user = sessions.userOf(sessions.forAction(request));
        var verdict = limits.takeForAccount(user);
        if (!verdict.allowed()) {
            LOG.warn("Billing actions of user {} over the per-account limit", user);
            throw verdict.refusal("Too many purchases or portal visits from this account; try again later.");
        }
        return user;
    }

    private static String returnTo(@Nullable String next) {
        return next != null && RETURN_TO.contains(next) ? next : HOME;
    }

    /** The plans on sale, each with its prices per interval, for the page. */
    private List<Map<String, Object>> offers() {
        List<Map<String, Object>> offers = new ArrayList<>();
        for (PlanPrice plan : catalog.all()) {
            List<Map<String, Object>> prices = new ArrayList<>();
            for (Interval interval : Interval.values()) {
                plan.recurring(interval).ifPresent(r -> prices.add(Map.of("interval", r.interval().wire(),
                        "label", money(r.amount(), r.currency()) + " / " + r.interval().wire())));
            }
            if (!prices.isEmpty()) {
                offers.add(Map.of("id", plan.id(), "name", plan.name(), "prices", prices,
                        "trialDays", plan.trialDaysOrNone(),
                        "features", Plan.fromWire(plan.id()).map(PlanFeatures::of).orElse(List.of())));
            }
        }
        return offers;
    }

    private static Map<String, Object> view(ReadUserStatus.UserStatus status) {
        Map<String, Object> view = new HashMap<>();
        view.put("plan", status.plan());
        view.put("status", status.status());
        view.put("validUntil", status.validUntil());
        view.put("sync", status.sync().state());
        view.put("subscription", status.subscription());
        return view;
    }

    private static String money(long amount, String currency) {
        return String.format(Locale.ROOT, "%d.%02d %s", amount / 100, amount % 100,
                currency.toUpperCase(Locale.ROOT));
    }

    private static HttpResponse<?> render(String view, Map<String, Object> model, List<Cookie> cookies) {
        return withCookies(HttpResponse.ok(new ModelAndView<>(view, model)), cookies);
    }

    private static HttpResponse<BillingForms.Next> next(String where, List<Cookie> cookies) {
        return withCookies(HttpResponse.ok(new BillingForms.Next(where)), cookies);
    }

    private static <T> MutableHttpResponse<T> withCookies(MutableHttpResponse<T> response, List<Cookie> cookies) {
        cookies.forEach(response::cookie);
        return response;
    }

    /** The browser's address: the TCP peer, or behind a trusted proxy the address it forwarded for. */
    private String clientAddress(HttpRequest<?> request) {
        return clientAddresses.of(request);
    }

    private static String correlationId() {
        return CorrelationId.current().orElse(UUID.randomUUID().toString());
    }
}
