package io.plansync.testing.stripe;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * <b>Not Stripe.</b> PlanSync's own stateful emulator of the part of the Stripe API that PlanSync uses, for tests and
 * the local run: customers, products and prices, payment intents, Checkout sessions in subscription mode (with a
 * hosted-page stand-in that completes them), subscriptions, invoices, billing-portal sessions (with a portal page
 * stand-in to cancel or switch plan) and events, in Stripe's wire format so that stripe-java works against it
 * unchanged. It delivers signed webhooks and has a test clock: {@link #advanceClock(Duration)} renews subscriptions,
 * fails renewals of customers whose card is marked to fail (retrying on a schedule, then canceling), ends
 * subscriptions marked to cancel at period end and ends trials. No money moves and no card exists.
 *
 * <p>Everything runs under one lock; state is in memory only. See dev/stripe-emulator/README.md.
 */
public final class StripeEmulator implements AutoCloseable {
    /** The card a customer pays with on the hosted checkout page (or {@link #setCardFails}). */
    public enum TestCard {
        /** Every payment succeeds. */
        GOOD,
        /** Checkout succeeds, every later payment (renewals, trial ends, retries) is declined. */
        FAILS_RENEWALS,
        /** Declined at checkout: the session stays open, nothing is created. */
        DECLINED
    }

    /** What happens to a subscription when the last retry of a renewal invoice fails (Stripe's billing setting). */
    public enum AfterRetries { CANCEL, MARK_UNPAID, LEAVE_PAST_DUE }

    /** One request the API or an emulator page received. */
    public record RecordedRequest(String method, String path, Map<String, String> params, String idempotencyKey,
                                  String stripeVersion, int status, boolean idempotentReplay) {
    }

    /** One attempt to deliver an event to the webhook endpoint; {@code status} is -1 when there was no answer. */
    public record Delivery(String eventId, String type, int attempt, int status, String error, boolean delivered) {
    }

    /** A recurring (or, without interval, one-time) price to create directly, as a test's configuration. */
    public record PriceSpec(String id, String lookupKey, String productName, long unitAmount, String currency,
                            String interval, int intervalCount, Integer trialPeriodDays) {
        public static PriceSpec monthly(String id, long unitAmount, String currency) {
            return new PriceSpec(id, null, id, unitAmount, currency, "month", 1, null);
        }

        public PriceSpec withTrialDays(int days) {
            return new PriceSpec(id, lookupKey, productName, unitAmount, currency, interval, intervalCount, days);
        }

        public PriceSpec withLookupKey(String key) {
            return new PriceSpec(id, key, productName, unitAmount, currency, interval, intervalCount, trialPeriodDays);
        }

        public PriceSpec withProductName(String name) {
            return new PriceSpec(id, lookupKey, name, unitAmount, currency, interval, intervalCount, trialPeriodDays);
        }

        public PriceSpec withInterval(String newInterval, int count) {
            return new PriceSpec(id, lookupKey, productName, unitAmount, currency, newInterval, count,
                    trialPeriodDays);
        }
    }

    /** How the emulator is set up; start from {@link #defaults()}. */
    public record Options(String host, int port, String webhookUrl, String webhookSecret, Set<String> webhookEvents,
                          int webhookAttempts, Duration webhookFirstRetryDelay, List<Duration> retrySchedule,
                          AfterRetries afterRetries, Duration trialWillEndBefore, String apiVersion,
                          Instant clockStart, boolean frozenClock) {
        public static Options defaults() {
            return new Options("127.0.0.1", 0, null, null, Set.of("*"), 4, Duration.ofMillis(200),
                    List.of(Duration.ofDays(1), Duration.ofDays(3), Duration.ofDays(7)), AfterRetries.CANCEL,
                    Duration.ofDays(3), com.stripe.Stripe.API_VERSION, null, true);
        }

        public Options port(int newPort) {
            return new Options(host, newPort, webhookUrl, webhookSecret, webhookEvents, webhookAttempts,
                    webhookFirstRetryDelay, retrySchedule, afterRetries, trialWillEndBefore, apiVersion, clockStart,
                    frozenClock);
        }

        public Options host(String newHost) {
            return new Options(newHost, port, webhookUrl, webhookSecret, webhookEvents, webhookAttempts,
                    webhookFirstRetryDelay, retrySchedule, afterRetries, trialWillEndBefore, apiVersion, clockStart,
                    frozenClock);
        }

        /** Deliver events to this URL, signed with this {@code whsec_...} secret. */
        public Options webhook(String url, String secret) {
            return new Options(host, port, url, secret, webhookEvents, webhookAttempts, webhookFirstRetryDelay,
                    retrySchedule, afterRetries, trialWillEndBefore, apiVersion, clockStart, frozenClock);
        }

        /** Deliver only these event types (Stripe's enabled_events); {@code *} is every type. */
        public Options webhookEvents(Set<String> types) {
            return new Options(host, port, webhookUrl, webhookSecret, Set.copyOf(types), webhookAttempts,
                    webhookFirstRetryDelay, retrySchedule, afterRetries, trialWillEndBefore, apiVersion, clockStart,
                    frozenClock);
        }

        /** Attempts per event (first included) and the delay before the first retry (doubled each time). */
        public Options webhookRetries(int attempts, Duration firstRetryDelay) {
            return new Options(host, port, webhookUrl, webhookSecret, webhookEvents, attempts, firstRetryDelay,
                    retrySchedule, afterRetries, trialWillEndBefore, apiVersion, clockStart, frozenClock);
        }

        /** When failed renewal payments are retried, counted from the first failure (clock time). */
        public Options retrySchedule(List<Duration> schedule, AfterRetries after) {
            return new Options(host, port, webhookUrl, webhookSecret, webhookEvents, webhookAttempts,
                    webhookFirstRetryDelay, List.copyOf(schedule), after, trialWillEndBefore, apiVersion, clockStart,
                    frozenClock);
        }

        public Options apiVersion(String version) {
            return new Options(host, port, webhookUrl, webhookSecret, webhookEvents, webhookAttempts,
                    webhookFirstRetryDelay, retrySchedule, afterRetries, trialWillEndBefore, version, clockStart,
                    frozenClock);
        }

        /**
         * The clock: frozen (the default, as a Stripe test clock: time moves only when advanced) or following the
         * wall clock plus whatever was advanced; {@code start} null is now.
         */
        public Options clock(Instant start, boolean frozen) {
            return new Options(host, port, webhookUrl, webhookSecret, webhookEvents, webhookAttempts,
                    webhookFirstRetryDelay, retrySchedule, afterRetries, trialWillEndBefore, apiVersion, start,
                    frozen);
        }
    }

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final Duration CHECKOUT_EXPIRY = Duration.ofHours(24);

    private final Options options;
    private final HttpServer server;
    private final ExecutorService httpExecutor;
    private final WebhookSender sender;
    private final SecureRandom random = new SecureRandom();

    // All state below is guarded by "this".
    private final Map<String, JsonObject> objects = new LinkedHashMap<>();
    private final Map<String, List<JsonObject>> sessionLineItems = new HashMap<>();
    private final Map<String, Billing> billing = new LinkedHashMap<>();
    private final Set<String> failingCards = new HashSet<>();
    private final List<JsonObject> events = new ArrayList<>();
    private final Map<String, Saved> idempotency = new HashMap<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private String webhookUrl;
    private String webhookSecret;
    private boolean deliveryEnabled = true;
    private long clockMillis;
    private long wallOffsetMillis;
    private Long processingAt;
    private JsonObject currentRequest;

    /** Per-subscription bookkeeping that Stripe keeps but does not show. */
    private static final class Billing {
        long anchor;
        int cycle;
        String interval;
        boolean trialWillEndSent;
        final Map<String, Retry> retries = new LinkedHashMap<>();
    }

    private static final class Retry {
        long firstFailure;
        int retriesDone;
        long nextAttempt;
    }

    private record Saved(String path, Map<String, String> params, int status, String body) {
    }

    private record Answer(int status, String contentType, String body, Map<String, String> headers) {
        static Answer json(int status, JsonElement body) {
            return new Answer(status, "application/json", Json.PRETTY.toJson(body), Map.of());
        }

        static Answer html(int status, String body) {
            return new Answer(status, "text/html; charset=utf-8", body, Map.of());
        }

        static Answer redirect(String location) {
            return new Answer(303, "text/plain", "", Map.of("Location", location));
        }
    }

    public StripeEmulator() {
        this(Options.defaults());
    }

    public StripeEmulator(Options options) {
        this.options = options;
        this.webhookUrl = options.webhookUrl();
        this.webhookSecret = options.webhookSecret();
        this.clockMillis = (options.clockStart() != null ? options.clockStart() : Instant.now()).getEpochSecond()
                * 1000;
        this.wallOffsetMillis = clockMillis - System.currentTimeMillis();
        this.sender = new WebhookSender(options.webhookAttempts(), options.webhookFirstRetryDelay());
        try {
            server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + options.host() + ":" + options.port(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        httpExecutor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "stripe-emulator-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(httpExecutor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The API base for stripe-java ({@code StripeClient.builder().setApiBase(url())}), and of the pages. */
    public String url() {
        String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
        return "http://" + host + ":" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        httpExecutor.shutdownNow();
        sender.close();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Test hooks

    /** The emulator's clock. */
    public synchronized Instant now() {
        return Instant.ofEpochMilli(nowMillis());
    }

    /**
     * Moves the clock forward; everything that falls due on the way happens in time order, each at its own time
     * (renewals, failed-payment retries, cancellations at period end, trial ends, checkout session expiry).
     */
    public synchronized Instant advanceClock(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward: " + by);
        }
        long target = nowMillis() + by.toMillis();
        processDue(target);
        if (options.frozenClock()) {
            clockMillis = target;
        } else {
            wallOffsetMillis += by.toMillis();
        }
        return now();
    }

    /** Marks the customer's card: when failing, every later payment (renewal, retry, trial end) is declined. */
    public synchronized void setCardFails(String customerId, boolean fails) {
        customer(customerId, "customer");
        if (fails) {
            failingCards.add(customerId);
        } else {
            failingCards.remove(customerId);
        }
    }

    /** Creates a product and price directly (a test's or the local run's configuration); returns the price id. */
    public synchronized String createPrice(PriceSpec spec) {
        String productId = "prod_" + (spec.id() != null ? spec.id().replaceFirst("^price_", "") : randomId(14));
        if (!objects.containsKey(productId)) {
            put(newProduct(productId, spec.productName() != null ? spec.productName() : productId, Map.of()));
        }
        String id = spec.id() != null ? spec.id() : "price_" + randomId(24);
        if (objects.containsKey(id)) {
            throw new IllegalArgumentException("price exists: " + id);
        }
        JsonObject price = newPrice(id, productId, spec.unitAmount(), spec.currency(), spec.interval(),
                spec.intervalCount(), spec.trialPeriodDays(), spec.lookupKey(), null, Map.of());
        put(price);
        return id;
    }

    /** Completes a checkout session as the hosted page's button would; returns where the page redirects. */
    public synchronized String completeCheckout(String sessionId, TestCard card) {
        return pay(sessionId, card);
    }

    /** Every event so far, oldest first, as the JSON Stripe would send. */
    public synchronized List<String> events() {
        return events.stream().map(Json.GSON::toJson).toList();
    }

    public synchronized List<String> events(String type) {
        return events.stream().filter(e -> type.equals(Json.str(e, "type"))).map(Json.GSON::toJson).toList();
    }

    /** The event's JSON, byte for byte what the webhook endpoint receives. */
    public synchronized String event(String eventId) {
        JsonObject event = objects.get(eventId);
        if (event == null) {
            throw new IllegalArgumentException("no event " + eventId);
        }
        return Json.GSON.toJson(event);
    }

    /** A Stripe-Signature header for this payload with the configured secret, at the current real time. */
    public synchronized String signatureHeader(String payload) {
        if (webhookSecret == null) {
            throw new IllegalStateException("no webhook secret configured");
        }
        return WebhookSender.signatureHeader(payload, webhookSecret, Instant.now().getEpochSecond());
    }

    /** Where events go from now on (null: nowhere); events already made are not sent again. */
    public synchronized void setWebhook(String url, String secret) {
        this.webhookUrl = url;
        this.webhookSecret = secret;
    }

    /** Off: events are stored (GET /v1/events, {@link #events()}) but not sent, for a test to deliver itself. */
    public synchronized void setWebhookDelivery(boolean enabled) {
        this.deliveryEnabled = enabled;
    }

    /** Every delivery attempt so far. */
    public List<Delivery> deliveries() {
        return sender.deliveries();
    }

    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public synchronized List<RecordedRequest> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    public synchronized void clearRequests() {
        requests.clear();
    }

    /** Forgets every object, event, idempotency key, request and delivery; the clock goes back to its start. */
    public synchronized void reset() {
        objects.clear();
        sessionLineItems.clear();
        billing.clear();
        failingCards.clear();
        events.clear();
        idempotency.clear();
        requests.clear();
        sender.clear();
        webhookUrl = options.webhookUrl();
        webhookSecret = options.webhookSecret();
        deliveryEnabled = true;
        clockMillis = (options.clockStart() != null ? options.clockStart() : Instant.now()).getEpochSecond() * 1000;
        wallOffsetMillis = clockMillis - System.currentTimeMillis();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // HTTP

    private void handle(HttpExchange exchange) {
        Answer answer;
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        try {
            String query = exchange.getRequestURI().getRawQuery();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.startsWith("/v1/")) {
                answer = api(exchange, method, path, query, body);
            } else if (path.startsWith("/__emulator/")) {
                answer = emulator(method, path, query, body);
            } else if (path.equals("/") || path.equals("/__emulator")) {
                answer = Answer.html(200, Pages.index());
            } else {
                answer = Answer.json(404, ApiError.noSuch("route", path, null).toJson());
            }
        } catch (ApiError e) {
            answer = Answer.json(e.status, e.toJson());
        } catch (RuntimeException | IOException e) {
            answer = Answer.json(500, new ApiError(500, "api_error", null, "emulator failure: " + e, null, null)
                    .toJson());
        }
        try (exchange) {
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.getResponseHeaders().set("X-Stand-In", "PlanSync Stripe emulator, not Stripe");
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private Answer api(HttpExchange exchange, String method, String path, String query, String body) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String key = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : null;
        if (auth != null && auth.startsWith("Basic ")) {
            // curl -u sk_test_...: as in Stripe's documentation.
            try {
                String user = new String(java.util.Base64.getDecoder().decode(auth.substring(6).trim()),
                        StandardCharsets.UTF_8);
                key = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
            } catch (IllegalArgumentException e) {
                key = null;
            }
        }
        if (key == null || key.isEmpty()) {
            return Answer.json(401, new ApiError(401, "invalid_request_error", null,
                    "You did not provide an API key.", null, null).toJson());
        }
        if (!key.startsWith("sk_test_") && !key.startsWith("rk_test_")) {
            return Answer.json(401, new ApiError(401, "invalid_request_error", "api_key_invalid",
                    "The PlanSync Stripe emulator accepts only test-mode keys (sk_test_...).", null, null).toJson());
        }
        Params params = Params.parse(method.equals("POST") ? body : query);
        String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String stripeVersion = exchange.getRequestHeaders().getFirst("Stripe-Version");
        String requestId = "req_" + randomId(14);
        synchronized (this) {
            processDue(nowMillis());
            Answer answer;
            boolean replay = false;
            // Keys are the account's, not an endpoint's: reused on another endpoint they are refused, as at Stripe.
            String savedKey = idempotencyKey;
            Saved saved = idempotencyKey != null && method.equals("POST") ? idempotency.get(savedKey) : null;
            if (saved != null) {
                if (!saved.path().equals(path)) {
                    answer = Answer.json(400, new ApiError(400, "idempotency_error", "idempotency_key_in_use",
                            "Keys for idempotent requests can only be used for the same endpoint they were first "
                                    + "used for ('" + saved.path() + "'). Try using a key other than '"
                                    + idempotencyKey + "' if you meant to execute a different request.", null, null)
                            .toJson());
                } else if (!saved.params().equals(params.flat())) {
                    answer = Answer.json(400, new ApiError(400, "idempotency_error", "idempotency_key_in_use",
                            "Keys for idempotent requests can only be used with the same parameters they were first "
                                    + "used with. Try using a key other than '" + idempotencyKey
                                    + "' if you meant to execute a different request.", null, null).toJson());
                } else {
                    replay = true;
                    answer = new Answer(saved.status(), "application/json", saved.body(),
                            Map.of("Idempotent-Replayed", "true", "Idempotency-Key", idempotencyKey,
                                    "Request-Id", requestId));
                }
            } else {
                currentRequest = Json.obj("id", requestId, "idempotency_key", idempotencyKey);
                try {
                    JsonElement result = route(method, path, params);
                    processDue(nowMillis()); // what is due at once, such as the trial_will_end of a short trial
                    answer = Answer.json(200, result);
                } catch (ApiError e) {
                    answer = Answer.json(e.status, e.toJson());
                } finally {
                    currentRequest = null;
                }
                // As at Stripe, only requests that started executing are saved (not validation failures).
                if (idempotencyKey != null && method.equals("POST") && answer.status() == 200) {
                    idempotency.put(savedKey, new Saved(path, Map.copyOf(params.flat()), answer.status(),
                            answer.body()));
                }
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Request-Id", requestId);
                if (idempotencyKey != null) {
                    headers.put("Idempotency-Key", idempotencyKey);
                }
                answer = new Answer(answer.status(), answer.contentType(), answer.body(), headers);
            }
            requests.add(new RecordedRequest(method, path, Map.copyOf(params.flat()), idempotencyKey, stripeVersion,
                    answer.status(), replay));
            return answer;
        }
    }

    private JsonElement route(String method, String path, Params p) {
        String[] s = path.substring("/v1/".length()).split("/", -1);
        String route = method + " " + s[0] + (s.length > 1 ? "/" + (isId(s[0], s[1]) ? "{id}" : s[1]) : "")
                + (s.length > 2 ? "/" + (!isId(s[0], s[1]) && !s[2].isEmpty() ? "{id}" : s[2]) : "")
                + (s.length > 3 ? "/" + String.join("/", List.of(s).subList(3, s.length)) : "");
        String id = s[0].equals("checkout") || s[0].equals("billing_portal") ? (s.length > 2 ? s[2] : null)
                : (s.length > 1 ? s[1] : null);
        JsonElement result = switch (route) {
            case "POST customers" -> createCustomer(p);
            case "GET customers" -> list(p, "customer", "/v1/customers", Set.of("email"),
                    c -> p.str("email") == null || p.str("email").equals(Json.str(c, "email")));
            case "GET customers/{id}" -> only(p, Set.of(), customer(id, "id"));
            case "POST customers/{id}" -> updateCustomer(id, p);
            case "POST products" -> createProduct(p);
            case "GET products" -> list(p, "product", "/v1/products", Set.of("active"), x -> true);
            case "GET products/{id}" -> only(p, Set.of(), find(id, "product", "id"));
            case "POST prices" -> createPrice(p);
            case "GET prices" -> listPrices(p);
            case "GET prices/{id}" -> only(p, Set.of(), find(id, "price", "id"));
            case "POST payment_intents" -> createPaymentIntent(p);
            case "GET payment_intents/{id}" -> only(p, Set.of(), find(id, "payment_intent", "id"));
            case "POST checkout/sessions" -> createCheckoutSession(p);
            case "GET checkout/sessions" -> list(p, "checkout.session", "/v1/checkout/sessions",
                    Set.of("customer", "subscription", "status"), x -> matches(x, p, "customer", "subscription",
                            "status"));
            case "GET checkout/sessions/{id}" -> only(p, Set.of(), find(id, "checkout.session", "id"));
            case "GET checkout/sessions/{id}/line_items" -> lineItems(id, p);
            case "POST checkout/sessions/{id}/expire" -> expireSession(find(id, "checkout.session", "id"), true);
            case "GET subscriptions" -> listSubscriptions(p);
            case "GET subscriptions/{id}" -> only(p, Set.of(), find(id, "subscription", "id"));
            case "POST subscriptions/{id}" -> updateSubscription(id, p);
            case "DELETE subscriptions/{id}" -> cancelNow(id, p);
            case "GET invoices" -> list(p, "invoice", "/v1/invoices", Set.of("customer", "subscription", "status"),
                    x -> matches(x, p, "customer", "status") && (p.str("subscription") == null
                            || p.str("subscription").equals(subscriptionOf(x))));
            case "GET invoices/{id}" -> only(p, Set.of(), find(id, "invoice", "id"));
            case "POST billing_portal/sessions" -> createPortalSession(p);
            case "POST setup_intents" -> createSetupIntent(p);
            case "GET setup_intents/{id}" -> only(p, Set.of(), find(id, "setup_intent", "id"));
            case "GET payment_methods" -> list(p, "payment_method", "/v1/payment_methods", Set.of("customer", "type"),
                    x -> matches(x, p, "customer", "type") && Json.str(x, "customer") != null);
            case "GET payment_methods/{id}" -> only(p, Set.of(), find(id, "payment_method", "id"));
            case "POST payment_methods/{id}/detach" -> detachPaymentMethod(id, p);
            case "GET events" -> listEvents(p);
            case "GET events/{id}" -> only(p, Set.of(), find(id, "event", "id"));
            default -> throw new ApiError(404, "invalid_request_error", null, "Unrecognized request URL (" + method
                    + ": " + path + "). The PlanSync Stripe emulator serves only the calls PlanSync makes; see "
                    + "dev/stripe-emulator/README.md.", null, null);
        };
        return expand(result, p.list("expand"));
    }

    private static boolean isId(String collection, String segment) {
        return switch (collection) {
            case "checkout", "billing_portal" -> false;
            default -> !segment.isEmpty();
        };
    }

    private static boolean matches(JsonObject o, Params p, String... names) {
        for (String name : names) {
            String wanted = p.str(name);
            if (wanted != null && !wanted.equals(Json.str(o, name))) {
                return false;
            }
        }
        return true;
    }

    private static void allow(Params p, Set<String> allowed) {
        for (String name : p.topLevelNames()) {
            if (!allowed.contains(name) && !name.equals("expand")) {
                throw ApiError.unknown(name);
            }
        }
    }

    private static JsonObject only(Params p, Set<String> allowed, JsonObject result) {
        allow(p, allowed);
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Emulator pages and admin endpoints (outside /v1)

    private Answer emulator(String method, String path, String query, String body) {
        String[] s = path.substring("/__emulator/".length()).split("/", -1);
        Params q = Params.parse(query);
        Params form = Params.parse(body);
        synchronized (this) {
            processDue(nowMillis());
            Answer answer = emulatorRoute(method, s, q, form);
            Map<String, String> params = new LinkedHashMap<>(q.flat());
            params.putAll(form.flat());
            requests.add(new RecordedRequest(method, path, Map.copyOf(params), null, null, answer.status(), false));
            return answer;
        }
    }

    private Answer emulatorRoute(String method, String[] s, Params q, Params form) {
        String[] shape = s.clone();
        if (shape.length > 1 && Set.of("checkout", "portal", "customers", "payment_intents", "setup")
                .contains(shape[0])) {
            shape[1] = "*";
        }
        String route = method + " " + String.join("/", shape);
        return switch (route) {
            case "GET checkout/*" -> checkoutPage(s[1], null);
            case "POST checkout/*" -> {
                JsonObject asked = find(s[1], "checkout.session", "id");
                if ("setup".equals(Json.str(asked, "mode"))) {
                    yield !"open".equals(Json.str(asked, "status"))
                            ? checkoutPage(s[1], "This checkout session is " + Json.str(asked, "status") + ".")
                            : Answer.redirect(saveCard(s[1], Objects.requireNonNullElse(form.str("card"), "visa")));
                }
                TestCard card = switch (Objects.requireNonNullElse(form.str("card"), "good")) {
                    case "good" -> TestCard.GOOD;
                    case "fails_renewals" -> TestCard.FAILS_RENEWALS;
                    case "declined" -> TestCard.DECLINED;
                    default -> throw ApiError.invalid("card: good, fails_renewals or declined", "card");
                };
                JsonObject session = find(s[1], "checkout.session", "id");
                if (!"open".equals(Json.str(session, "status"))) {
                    yield checkoutPage(s[1], "This checkout session is " + Json.str(session, "status") + ".");
                }
                String location = pay(s[1], card);
                yield location == null ? checkoutPage(s[1], "Your card was declined.") : Answer.redirect(location);
            }
            case "GET checkout/*/cancel" -> {
                JsonObject session = find(s[1], "checkout.session", "id");
                yield Answer.redirect(Json.str(session, "cancel_url"));
            }
            case "GET setup/*" -> Answer.html(200, Pages.setup(find(s[1], "setup_intent", "id"),
                    q.str("return_url")));
            case "POST setup/*" -> {
                String brand = Objects.requireNonNullElse(form.str("card"), "visa");
                completeSetup(s[1], brand);
                String back = form.str("return_url");
                yield back == null ? Answer.html(200, Pages.setup(find(s[1], "setup_intent", "id"), null))
                        : Answer.redirect(back + (back.contains("?") ? "&" : "?") + "setup_intent=" + s[1]);
            }
            case "GET portal/*" -> portalPage(s[1]);
            case "POST portal/*" -> portalAction(s[1], form);
            case "GET clock" -> Answer.json(200, clockJson());
            case "POST clock/advance" -> {
                Long seconds = q.longValue("seconds");
                if (seconds == null) {
                    seconds = form.longValue("seconds");
                }
                if (seconds == null || seconds < 0) {
                    throw ApiError.missing("seconds");
                }
                advanceClock(Duration.ofSeconds(seconds));
                yield Answer.json(200, clockJson());
            }
            case "POST customers/*/card" -> {
                String fails = q.str("fails") != null ? q.str("fails") : form.str("fails");
                setCardFails(s[1], !"false".equals(fails));
                yield Answer.json(200, Json.obj("customer", s[1], "card_fails", failingCards.contains(s[1])));
            }
            case "POST payment_intents/*/succeed" -> Answer.json(200, succeedPaymentIntent(s[1]));
            case "POST prices" -> {
                Params p = form.topLevelNames().isEmpty() ? q : form;
                Long trial = p.longValue("trial_period_days");
                String id = createPrice(new PriceSpec(p.str("id"), p.str("lookup_key"), p.str("product_name"),
                        Objects.requireNonNull(p.longValue("unit_amount"), "unit_amount"),
                        Objects.requireNonNullElse(p.str("currency"), "usd"), p.str("interval"),
                        p.longValue("interval_count") == null ? 1 : p.longValue("interval_count").intValue(),
                        trial == null ? null : trial.intValue()));
                yield Answer.json(200, objects.get(id));
            }
            case "GET requests" -> {
                JsonArray out = new JsonArray();
                for (RecordedRequest r : requests) {
                    out.add(Json.obj("method", r.method(), "path", r.path(), "params", r.params(),
                            "idempotency_key", r.idempotencyKey(), "status", r.status(),
                            "idempotent_replay", r.idempotentReplay()));
                }
                yield Answer.json(200, out);
            }
            case "GET events" -> Answer.json(200, Json.array(events));
            case "POST webhooks" -> {
                Params p = form.topLevelNames().isEmpty() ? q : form;
                if (p.has("url")) {
                    setWebhook(p.str("url").isEmpty() ? null : p.str("url"), p.str("secret"));
                }
                if (p.has("enabled")) {
                    setWebhookDelivery(Boolean.TRUE.equals(p.bool("enabled")));
                }
                yield Answer.json(200, Json.obj("url", webhookUrl, "enabled", deliveryEnabled));
            }
            case "POST reset" -> {
                reset();
                yield Answer.json(200, Json.obj("reset", true));
            }
            default -> Answer.json(404, ApiError.noSuch("emulator route", String.join("/", s), null).toJson());
        };
    }

    private JsonObject clockJson() {
        return Json.obj("now", nowSeconds(), "iso", now().toString(), "frozen", options.frozenClock());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Customers, products, prices, payment intents

    private JsonObject createCustomer(Params p) {
        allow(p, Set.of("email", "name", "description", "metadata", "phone"));
        JsonObject customer = Json.obj("id", "cus_" + randomId(14), "object", "customer", "balance", 0,
                "created", nowSeconds(), "currency", null, "delinquent", false, "description", p.str("description"),
                "email", p.str("email"), "invoice_settings", Json.obj("default_payment_method", null),
                "livemode", false, "metadata", p.map("metadata"), "name", p.str("name"), "phone", p.str("phone"));
        put(customer);
        emit("customer.created", customer, null);
        return customer;
    }

    private JsonObject updateCustomer(String id, Params p) {
        allow(p, Set.of("email", "name", "description", "metadata", "phone", "invoice_settings"));
        JsonObject customer = customer(id, "id");
        JsonObject before = customer.deepCopy();
        if (p.has("invoice_settings", "default_payment_method")) {
            String pm = p.str("invoice_settings", "default_payment_method");
            if (pm != null && !pm.isEmpty() && !id.equals(Json.str(find(pm, "payment_method",
                    "invoice_settings[default_payment_method]"), "customer"))) {
                throw ApiError.invalid("the payment method is not attached to this customer",
                        "invoice_settings[default_payment_method]");
            }
            customer.getAsJsonObject("invoice_settings").add("default_payment_method",
                    Json.value(pm == null || pm.isEmpty() ? null : pm));
        }
        for (String field : List.of("email", "name", "description", "phone")) {
            if (p.has(field)) {
                customer.add(field, Json.value(p.str(field).isEmpty() ? null : p.str(field)));
            }
        }
        mergeMetadata(customer, p);
        emitIfChanged("customer.updated", before, customer);
        return customer;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Setup intents and payment methods (cards saved for later; the card page is the stand-in for Stripe Elements)

    private JsonObject createSetupIntent(Params p) {
        allow(p, Set.of("customer", "payment_method_types", "usage", "metadata", "description"));
        String customer = p.str("customer");
        if (customer != null) {
            find(customer, "customer", "customer");
        }
        String id = "seti_" + randomId(24);
        JsonObject intent = Json.obj("id", id, "object", "setup_intent", "client_secret",
                id + "_secret_" + randomId(24), "created", nowSeconds(), "customer", customer,
                "description", p.str("description"), "livemode", false, "metadata", p.map("metadata"),
                "payment_method", null, "status", "requires_payment_method",
                "usage", Objects.requireNonNullElse(p.str("usage"), "off_session"));
        put(intent);
        emit("setup_intent.created", intent, null);
        return intent;
    }

    /**
     * The card page's "Add": a card payment method attached to the intent's customer; the intent succeeds.
     * @param brand visa (ending 4242) or mastercard (ending 4444)
     * @return the payment method's id
     */
    public synchronized String completeSetup(String setupIntentId, String brand) {
        JsonObject intent = find(setupIntentId, "setup_intent", "id");
        if (!"requires_payment_method".equals(Json.str(intent, "status"))) {
            throw ApiError.invalid("this SetupIntent is " + Json.str(intent, "status"), "setup_intent");
        }
        String last4 = switch (brand) {
            case "visa" -> "4242";
            case "mastercard" -> "4444";
            default -> throw ApiError.invalid("card: visa or mastercard", "card");
        };
        JsonObject method = Json.obj("id", "pm_" + randomId(24), "object", "payment_method", "type", "card",
                "created", nowSeconds(), "customer", Json.str(intent, "customer"), "livemode", false,
                "metadata", Json.obj(), "billing_details", Json.obj("email", null, "name", null),
                "card", Json.obj("brand", brand, "last4", last4, "exp_month", 12,
                        "exp_year", now().atZone(java.time.ZoneOffset.UTC).getYear() + 3, "funding", "credit"));
        put(method);
        JsonObject before = intent.deepCopy();
        intent.addProperty("status", "succeeded");
        intent.addProperty("payment_method", Json.str(method, "id"));
        if (Json.str(intent, "customer") != null) {
            emit("payment_method.attached", method, null);
        }
        emit("setup_intent.succeeded", intent, null);
        return Json.str(method, "id");
    }

    private JsonObject detachPaymentMethod(String id, Params p) {
        allow(p, Set.of());
        JsonObject method = find(id, "payment_method", "id");
        String customer = Json.str(method, "customer");
        if (customer == null) {
            throw ApiError.invalid("The payment method is not attached to a customer.", null);
        }
        method.add("customer", Json.value((String) null));
        JsonObject owner = customer(customer, "customer");
        JsonObject settings = owner.getAsJsonObject("invoice_settings");
        if (id.equals(Json.str(settings, "default_payment_method"))) {
            settings.add("default_payment_method", Json.value((String) null));
        }
        emit("payment_method.detached", method, null);
        return method;
    }

    private JsonObject customer(String id, String param) {
        return find(id, "customer", param);
    }

    private JsonObject createProduct(Params p) {
        allow(p, Set.of("id", "name", "metadata", "active", "description"));
        String id = p.str("id") != null ? p.str("id") : "prod_" + randomId(14);
        if (objects.containsKey(id)) {
            throw new ApiError(400, "invalid_request_error", "resource_already_exists",
                    "Product already exists.", "id", null);
        }
        JsonObject product = newProduct(id, p.required("name"), p.map("metadata"));
        put(product);
        emit("product.created", product, null);
        return product;
    }

    private JsonObject newProduct(String id, String name, Map<String, String> metadata) {
        return Json.obj("id", id, "object", "product", "active", true, "created", nowSeconds(), "description", null,
                "livemode", false, "metadata", metadata, "name", name, "type", "service");
    }

    private JsonObject createPrice(Params p) {
        allow(p, Set.of("product", "product_data", "unit_amount", "currency", "recurring", "lookup_key",
                "nickname", "metadata", "active", "transfer_lookup_key"));
        String productId = p.str("product");
        if (productId == null) {
            if (!p.has("product_data")) {
                throw ApiError.missing("product");
            }
            JsonObject product = newProduct("prod_" + randomId(14), p.required("product_data", "name"),
                    p.map("product_data", "metadata"));
            put(product);
            emit("product.created", product, null);
            productId = Json.str(product, "id");
        } else {
            find(productId, "product", "product");
        }
        Long amount = p.longValue("unit_amount");
        if (amount == null) {
            throw ApiError.missing("unit_amount");
        }
        String lookupKey = p.str("lookup_key");
        if (lookupKey != null) {
            for (JsonObject other : all("price")) {
                if (lookupKey.equals(Json.str(other, "lookup_key"))) {
                    if (!Boolean.TRUE.equals(p.bool("transfer_lookup_key"))) {
                        throw ApiError.invalid("A price (`" + Json.str(other, "id") + "`) already uses that lookup "
                                + "key.", "lookup_key");
                    }
                    other.add("lookup_key", JsonNull.INSTANCE);
                }
            }
        }
        Long intervalCount = p.longValue("recurring", "interval_count");
        Long trial = p.longValue("recurring", "trial_period_days");
        String interval = p.str("recurring", "interval");
        if (p.has("recurring") && interval == null) {
            throw ApiError.missing("recurring[interval]");
        }
        JsonObject price = newPrice("price_" + randomId(24), productId, amount, p.required("currency"), interval,
                intervalCount == null ? 1 : intervalCount.intValue(), trial == null ? null : trial.intValue(),
                lookupKey, p.str("nickname"), p.map("metadata"));
        put(price);
        emit("price.created", price, null);
        return price;
    }

    private JsonObject newPrice(String id, String productId, long amount, String currency, String interval,
                                int intervalCount, Integer trialDays, String lookupKey, String nickname,
                                Map<String, String> metadata) {
        if (interval != null && !Set.of("day", "week", "month", "year").contains(interval)) {
            throw ApiError.invalid("Invalid recurring[interval]: must be one of day, week, month, or year",
                    "recurring[interval]");
        }
        JsonObject recurring = interval == null ? null : Json.obj("interval", interval, "interval_count",
                intervalCount, "meter", null, "trial_period_days", trialDays, "usage_type", "licensed");
        return Json.obj("id", id, "object", "price", "active", true, "billing_scheme", "per_unit",
                "created", nowSeconds(), "currency", currency.toLowerCase(), "livemode", false,
                "lookup_key", lookupKey, "metadata", metadata, "nickname", nickname, "product", productId,
                "recurring", recurring, "tax_behavior", "unspecified", "type", interval == null ? "one_time"
                        : "recurring", "unit_amount", amount, "unit_amount_decimal", String.valueOf(amount));
    }

    private JsonObject listPrices(Params p) {
        allow(p, Set.of("active", "product", "type", "currency", "lookup_keys", "limit", "starting_after",
                "ending_before"));
        List<String> lookupKeys = p.list("lookup_keys");
        return list(p, "price", "/v1/prices", Set.of("active", "product", "type", "currency", "lookup_keys"),
                x -> matches(x, p, "product", "type", "currency")
                        && (p.bool("active") == null || p.bool("active") == Json.bool(x, "active"))
                        && (lookupKeys.isEmpty() || lookupKeys.contains(Json.str(x, "lookup_key"))));
    }

    private JsonObject createPaymentIntent(Params p) {
        allow(p, Set.of("amount", "currency", "customer", "metadata", "automatic_payment_methods", "description",
                "receipt_email", "payment_method_types", "setup_future_usage", "statement_descriptor_suffix"));
        Long amount = p.longValue("amount");
        if (amount == null) {
            throw ApiError.missing("amount");
        }
        String customer = p.str("customer");
        if (customer != null) {
            find(customer, "customer", "customer");
        }
        String id = "pi_" + randomId(24);
        JsonObject intent = Json.obj("id", id, "object", "payment_intent", "amount", amount, "amount_received", 0,
                "automatic_payment_methods", p.has("automatic_payment_methods") ? Json.obj("enabled",
                        Boolean.TRUE.equals(p.bool("automatic_payment_methods", "enabled"))) : null,
                "client_secret", id + "_secret_" + randomId(24), "created", nowSeconds(),
                "currency", p.required("currency").toLowerCase(), "customer", customer,
                "description", p.str("description"), "latest_charge", null, "livemode", false,
                "metadata", p.map("metadata"), "status", "requires_payment_method");
        put(intent);
        emit("payment_intent.created", intent, null);
        return intent;
    }

    private JsonObject succeedPaymentIntent(String id) {
        JsonObject intent = find(id, "payment_intent", "id");
        if ("succeeded".equals(Json.str(intent, "status"))) {
            return intent;
        }
        JsonObject before = intent.deepCopy();
        intent.addProperty("status", "succeeded");
        intent.addProperty("amount_received", Json.num(intent, "amount"));
        intent.addProperty("latest_charge", "ch_" + randomId(24));
        emit("payment_intent.succeeded", intent, before);
        return intent;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Checkout

    private JsonObject createCheckoutSession(Params p) {
        allow(p, Set.of("mode", "line_items", "customer", "customer_email", "client_reference_id", "metadata",
                "success_url", "cancel_url", "subscription_data", "allow_promotion_codes", "payment_method_types",
                "locale", "billing_address_collection", "customer_update", "expires_at"));
        String mode = p.required("mode");
        if (!mode.equals("subscription") && !mode.equals("setup")) {
            throw ApiError.invalid("The PlanSync Stripe emulator supports mode=subscription and mode=setup", "mode");
        }
        String successUrl = p.required("success_url");
        String customer = p.str("customer");
        if (customer != null) {
            find(customer, "customer", "customer");
        }
        if (mode.equals("setup")) {
            return createSetupSession(p, customer, successUrl);
        }
        if (customer != null && p.str("customer_email") != null) {
            throw ApiError.invalid("You may only specify one of these parameters: customer, customer_email.",
                    "customer_email");
        }
        List<Params> items = p.objects("line_items");
        if (items.isEmpty()) {
            throw ApiError.missing("line_items");
        }
        if (items.size() > 1) {
            throw ApiError.invalid("The PlanSync Stripe emulator supports one line item", "line_items");
        }
        String priceId = items.getFirst().str("price");
        if (priceId == null) {
            throw ApiError.missing("line_items[0][price]");
        }
        JsonObject price = find(priceId, "price", "line_items[0][price]");
        if (!"recurring".equals(Json.str(price, "type"))) {
            throw ApiError.invalid("You must provide at least one recurring price in `subscription` mode when using "
                    + "prices.", "line_items[0][price]");
        }
        Long quantity = items.getFirst().longValue("quantity");
        long qty = quantity == null ? 1 : quantity;
        String id = "cs_test_" + randomId(58);
        long created = nowSeconds();
        Long trialDays = p.longValue("subscription_data", "trial_period_days");
        JsonObject session = Json.obj("id", id, "object", "checkout.session",
                "amount_subtotal", Json.num(price, "unit_amount") * qty,
                "amount_total", Json.num(price, "unit_amount") * qty, "cancel_url", p.str("cancel_url"),
                "client_reference_id", p.str("client_reference_id"), "created", created,
                "currency", Json.str(price, "currency"), "customer", customer,
                "customer_email", p.str("customer_email"), "expires_at", created + CHECKOUT_EXPIRY.toSeconds(),
                "invoice", null, "livemode", false, "metadata", p.map("metadata"), "mode", mode,
                "payment_status", "unpaid", "setup_intent", null, "status", "open", "subscription", null,
                "success_url", successUrl, "url", url() + "/__emulator/checkout/" + id);
        put(session);
        JsonObject lineItem = Json.obj("id", "li_" + randomId(24), "object", "item",
                "amount_subtotal", Json.num(price, "unit_amount") * qty,
                "amount_total", Json.num(price, "unit_amount") * qty, "currency", Json.str(price, "currency"),
                "description", productName(price), "price", price.deepCopy(), "quantity", qty);
        sessionLineItems.put(id, List.of(lineItem));
        // What the subscription will get; kept beside the session as Stripe does (not shown on the session).
        billingSetup.put(id, new CheckoutSetup(priceId, qty, p.map("subscription_data", "metadata"),
                trialDays == null ? null : trialDays.intValue()));
        return session;
    }

    /**
     * A Checkout Session in setup mode: Stripe's hosted page saves a card for the customer through a SetupIntent
     * made with the session (no line items, nothing charged).
     */
    private JsonObject createSetupSession(Params p, String customer, String successUrl) {
        if (customer == null) {
            throw ApiError.invalid("The PlanSync Stripe emulator needs `customer` in `setup` mode", "customer");
        }
        if (!p.objects("line_items").isEmpty()) {
            throw ApiError.invalid("You can not pass `line_items` in `setup` mode.", "line_items");
        }
        JsonObject intent = createSetupIntent(Params.parse("customer=" + customer));
        String id = "cs_test_" + randomId(58);
        long created = nowSeconds();
        JsonObject session = Json.obj("id", id, "object", "checkout.session", "amount_subtotal", null,
                "amount_total", null, "cancel_url", p.str("cancel_url"),
                "client_reference_id", p.str("client_reference_id"), "created", created, "currency", null,
                "customer", customer, "customer_email", null, "expires_at", created + CHECKOUT_EXPIRY.toSeconds(),
                "invoice", null, "livemode", false, "metadata", p.map("metadata"), "mode", "setup",
                "payment_status", "no_payment_required", "setup_intent", Json.str(intent, "id"), "status", "open",
                "subscription", null, "success_url", successUrl, "url", url() + "/__emulator/checkout/" + id);
        put(session);
        return session;
    }

    /** The setup-mode page's button: the card is saved, the session completes; returns the success redirect. */
    private String saveCard(String sessionId, String brand) {
        JsonObject session = find(sessionId, "checkout.session", "id");
        if (!"open".equals(Json.str(session, "status"))) {
            throw ApiError.invalid("This Checkout Session is " + Json.str(session, "status"), null);
        }
        completeSetup(Json.str(session, "setup_intent"), brand);
        session.addProperty("status", "complete");
        session.add("url", JsonNull.INSTANCE);
        emit("checkout.session.completed", session, null);
        return Json.str(session, "success_url").replace("{CHECKOUT_SESSION_ID}", sessionId);
    }

    private record CheckoutSetup(String priceId, long quantity, Map<String, String> metadata, Integer trialDays) {
    }

    private final Map<String, CheckoutSetup> billingSetup = new HashMap<>();

    private JsonObject lineItems(String sessionId, Params p) {
        find(sessionId, "checkout.session", "id");
        allow(p, Set.of("limit", "starting_after", "ending_before"));
        return Json.obj("object", "list", "url", "/v1/checkout/sessions/" + sessionId + "/line_items",
                "has_more", false, "data", Json.array(sessionLineItems.getOrDefault(sessionId, List.of())));
    }

    private JsonObject expireSession(JsonObject session, boolean byRequest) {
        if (!"open".equals(Json.str(session, "status"))) {
            if (byRequest) {
                throw ApiError.invalid("Only Checkout Sessions with a status of open can be expired.", null);
            }
            return session;
        }
        JsonObject before = session.deepCopy();
        session.addProperty("status", "expired");
        session.add("url", JsonNull.INSTANCE);
        emit("checkout.session.expired", session, before);
        return session;
    }

    /** The hosted page's button: returns the success redirect, or null when the card was declined. */
    private String pay(String sessionId, TestCard card) {
        JsonObject session = find(sessionId, "checkout.session", "id");
        if (!"open".equals(Json.str(session, "status"))) {
            throw ApiError.invalid("This Checkout Session is " + Json.str(session, "status"), null);
        }
        if (card == TestCard.DECLINED) {
            return null;
        }
        String customerId = Json.str(session, "customer");
        if (customerId == null) {
            JsonObject customer = Json.obj("id", "cus_" + randomId(14), "object", "customer", "balance", 0,
                    "created", nowSeconds(), "currency", null, "delinquent", false, "description", null,
                    "email", Json.str(session, "customer_email"),
                    "invoice_settings", Json.obj("default_payment_method", null), "livemode", false,
                    "metadata", Json.obj(), "name", null, "phone", null);
            put(customer);
            emit("customer.created", customer, null);
            customerId = Json.str(customer, "id");
        }
        if (card == TestCard.FAILS_RENEWALS) {
            failingCards.add(customerId);
        } else {
            failingCards.remove(customerId);
        }
        CheckoutSetup setup = billingSetup.get(sessionId);
        JsonObject price = find(setup.priceId(), "price", "price");
        Integer trialDays = setup.trialDays();
        if (trialDays == null) {
            JsonObject recurring = price.getAsJsonObject("recurring");
            Long fromPrice = Json.num(recurring, "trial_period_days");
            trialDays = fromPrice == null || fromPrice == 0 ? null : fromPrice.intValue();
        }
        JsonObject subscription = createSubscription(customerId, price, setup.quantity(), setup.metadata(),
                trialDays);
        session.addProperty("status", "complete");
        session.addProperty("payment_status", trialDays != null ? "no_payment_required" : "paid");
        session.addProperty("customer", customerId);
        session.addProperty("subscription", Json.str(subscription, "id"));
        session.addProperty("invoice", Json.str(subscription, "latest_invoice"));
        session.add("url", JsonNull.INSTANCE);
        emit("checkout.session.completed", session, null);
        processDue(nowMillis());
        return Json.str(session, "success_url").replace("{CHECKOUT_SESSION_ID}", sessionId);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Subscriptions and invoices

    private JsonObject createSubscription(String customerId, JsonObject price, long quantity,
                                          Map<String, String> metadata, Integer trialDays) {
        long start = nowSeconds();
        String id = "sub_" + randomId(24);
        Billing book = new Billing();
        long trialEnd = trialDays == null ? 0 : start + Duration.ofDays(trialDays).toSeconds();
        book.anchor = trialDays == null ? start : trialEnd;
        book.cycle = trialDays == null ? 0 : -1;
        book.interval = intervalOf(price);
        long periodEnd = trialDays == null ? periodBoundary(price, book.anchor, 1) : trialEnd;
        JsonObject item = Json.obj("id", "si_" + randomId(14), "object", "subscription_item",
                "created", start, "current_period_end", periodEnd, "current_period_start", start,
                "metadata", Json.obj(), "price", price.deepCopy(), "quantity", quantity, "subscription", id);
        JsonObject subscription = Json.obj("id", id, "object", "subscription",
                "billing_cycle_anchor", book.anchor, "cancel_at", null, "cancel_at_period_end", false,
                "canceled_at", null, "cancellation_details", Json.obj("comment", null, "feedback", null,
                        "reason", null),
                "collection_method", "charge_automatically", "created", start,
                "currency", Json.str(price, "currency"),
                // Since API version 2025-03-31 Stripe keeps the period on the items; kept here too for older readers.
                "current_period_end", periodEnd, "current_period_start", start,
                "customer", customerId, "ended_at", null,
                "items", Json.obj("object", "list", "data", Json.array(List.of(item)), "has_more", false,
                        "total_count", 1, "url", "/v1/subscription_items?subscription=" + id),
                "latest_invoice", null, "livemode", false, "metadata", metadata, "start_date", start,
                "status", trialDays == null ? "active" : "trialing",
                "trial_end", trialDays == null ? null : trialEnd, "trial_start", trialDays == null ? null : start);
        put(subscription);
        billing.put(id, book);
        JsonObject invoice = newInvoice(subscription, "subscription_create", trialDays == null
                ? Json.num(price, "unit_amount") * quantity : 0, start, trialDays == null ? periodEnd : start);
        subscription.addProperty("latest_invoice", Json.str(invoice, "id"));
        emit("customer.subscription.created", subscription, null);
        emit("invoice.created", invoice, null);
        finalizeInvoice(invoice);
        markPaid(invoice);
        return subscription;
    }

    private static String intervalOf(JsonObject price) {
        JsonObject recurring = price.getAsJsonObject("recurring");
        return Json.num(recurring, "interval_count") + " " + Json.str(recurring, "interval");
    }

    private long periodBoundary(JsonObject price, long anchor, int periods) {
        JsonObject recurring = price.getAsJsonObject("recurring");
        String interval = Json.str(recurring, "interval");
        long count = Json.num(recurring, "interval_count") * periods;
        ZonedDateTime at = Instant.ofEpochSecond(anchor).atZone(ZoneOffset.UTC);
        ZonedDateTime end = switch (interval) {
            case "day" -> at.plusDays(count);
            case "week" -> at.plusWeeks(count);
            case "month" -> at.plusMonths(count);
            case "year" -> at.plusYears(count);
            default -> throw new IllegalStateException(interval);
        };
        return end.toEpochSecond();
    }

    private JsonObject newInvoice(JsonObject subscription, String reason, long amount, long periodStart,
                                  long periodEnd) {
        JsonObject item = firstItem(subscription);
        JsonObject price = item.getAsJsonObject("price");
        String id = "in_" + randomId(24);
        String subscriptionId = Json.str(subscription, "id");
        JsonObject line = Json.obj("id", "il_" + randomId(24), "object", "line_item", "amount", amount,
                "currency", Json.str(price, "currency"), "description", Json.num(item, "quantity") + " × "
                        + productName(price), "invoice", id, "livemode", false, "metadata", Json.obj(),
                "parent", Json.obj("type", "subscription_item_details", "subscription_item_details",
                        Json.obj("subscription", subscriptionId, "subscription_item", Json.str(item, "id"),
                                "proration", false)),
                "period", Json.obj("start", Json.num(item, "current_period_start"),
                        "end", Json.num(item, "current_period_end")),
                "pricing", Json.obj("type", "price_details", "price_details", Json.obj("price",
                        Json.str(price, "id"), "product", Json.str(price, "product")),
                        "unit_amount_decimal", String.valueOf(Json.num(price, "unit_amount"))),
                "quantity", Json.num(item, "quantity"));
        long now = nowSeconds();
        JsonObject invoice = Json.obj("id", id, "object", "invoice", "amount_due", amount, "amount_paid", 0,
                "amount_remaining", amount, "attempt_count", 0, "attempted", false, "auto_advance", true,
                "billing_reason", reason, "collection_method", "charge_automatically", "created", now,
                "currency", Json.str(price, "currency"), "customer", Json.str(subscription, "customer"),
                "hosted_invoice_url", null, "lines", Json.obj("object", "list", "data", Json.array(List.of(line)),
                        "has_more", false, "total_count", 1, "url", "/v1/invoices/" + id + "/lines"),
                "livemode", false, "metadata", Json.obj(), "next_payment_attempt", null,
                "number", null, "parent", Json.obj("type", "subscription_details", "quote_details", null,
                        "subscription_details", Json.obj("metadata", subscription.get("metadata").deepCopy(),
                                "subscription", subscriptionId)),
                "period_end", periodEnd, "period_start", periodStart, "status", "draft",
                "status_transitions", Json.obj("finalized_at", null, "marked_uncollectible_at", null,
                        "paid_at", null, "voided_at", null),
                // Before API version 2025-03-31 the subscription was here; kept for older readers.
                "subscription", subscriptionId, "subtotal", amount, "total", amount);
        put(invoice);
        return invoice;
    }

    private void finalizeInvoice(JsonObject invoice) {
        invoice.addProperty("status", "open");
        invoice.addProperty("number", "EMU-" + randomId(8).toUpperCase() + "-0001");
        invoice.getAsJsonObject("status_transitions").addProperty("finalized_at", nowSeconds());
        invoice.addProperty("hosted_invoice_url", url() + "/__emulator/invoice/" + Json.str(invoice, "id"));
        emit("invoice.finalized", invoice, null);
    }

    private void markPaid(JsonObject invoice) {
        JsonObject before = invoice.deepCopy();
        long amount = Json.num(invoice, "amount_due");
        invoice.addProperty("status", "paid");
        invoice.addProperty("amount_paid", amount);
        invoice.addProperty("amount_remaining", 0);
        invoice.addProperty("attempted", true);
        invoice.addProperty("attempt_count", Json.num(invoice, "attempt_count") + (amount > 0 ? 1 : 0));
        invoice.add("next_payment_attempt", JsonNull.INSTANCE);
        invoice.getAsJsonObject("status_transitions").addProperty("paid_at", nowSeconds());
        emit("invoice.paid", invoice, before);
        emit("invoice.payment_succeeded", invoice, before);
    }

    /** Charges the invoice's customer: true when paid. */
    private boolean attemptPayment(JsonObject invoice) {
        if (Json.num(invoice, "amount_due") > 0 && failingCards.contains(Json.str(invoice, "customer"))) {
            invoice.addProperty("attempted", true);
            invoice.addProperty("attempt_count", Json.num(invoice, "attempt_count") + 1);
            return false;
        }
        markPaid(invoice);
        return true;
    }

    private static JsonObject firstItem(JsonObject subscription) {
        return subscription.getAsJsonObject("items").getAsJsonArray("data").get(0).getAsJsonObject();
    }

    private static String subscriptionOf(JsonObject invoice) {
        return Json.str(invoice, "subscription");
    }

    private String productName(JsonObject price) {
        JsonObject product = objects.get(Json.str(price, "product"));
        return product == null ? Json.str(price, "product") : Json.str(product, "name");
    }

    private JsonObject listSubscriptions(Params p) {
        allow(p, Set.of("customer", "price", "status", "limit", "starting_after", "ending_before"));
        String status = p.str("status");
        return list(p, "subscription", "/v1/subscriptions", Set.of("customer", "price", "status"),
                x -> matches(x, p, "customer")
                        && (status == null ? !"canceled".equals(Json.str(x, "status"))
                        : status.equals("all") || status.equals(Json.str(x, "status")))
                        && (p.str("price") == null || p.str("price").equals(
                        Json.str(firstItem(x).getAsJsonObject("price"), "id"))));
    }

    private JsonObject updateSubscription(String id, Params p) {
        allow(p, Set.of("cancel_at_period_end", "items", "metadata", "proration_behavior", "cancellation_details"));
        JsonObject subscription = find(id, "subscription", "id");
        JsonObject before = subscription.deepCopy();
        boolean canceled = "canceled".equals(Json.str(subscription, "status"));
        if (canceled && (p.has("cancel_at_period_end") || p.has("items"))) {
            throw ApiError.invalid("A canceled subscription can only update its cancellation_details and metadata.",
                    null);
        }
        Boolean atPeriodEnd = p.bool("cancel_at_period_end");
        if (atPeriodEnd != null && atPeriodEnd != Json.bool(subscription, "cancel_at_period_end")) {
            setCancelAtPeriodEnd(subscription, atPeriodEnd, "cancellation_requested");
        }
        List<Params> items = p.objects("items");
        if (items.size() > 1) {
            throw ApiError.invalid("The PlanSync Stripe emulator supports one subscription item", "items");
        }
        if (!items.isEmpty()) {
            Params change = items.getFirst();
            JsonObject item = firstItem(subscription);
            String itemId = change.str("id");
            if (itemId == null) {
                throw ApiError.invalid("items[0][id] is missing: without it Stripe adds a second item rather than "
                        + "switching the price; pass the id of the subscription item (" + Json.str(item, "id")
                        + ") to switch plans (the PlanSync Stripe emulator supports one item)", "items[0][id]");
            }
            if (!itemId.equals(Json.str(item, "id"))) {
                throw ApiError.noSuchParam("subscription item", itemId, "items[0][id]");
            }
            if (Boolean.TRUE.equals(change.bool("deleted"))) {
                throw ApiError.invalid("The PlanSync Stripe emulator does not delete items", "items[0][deleted]");
            }
            String priceId = change.str("price");
            if (priceId != null) {
                JsonObject price = find(priceId, "price", "items[0][price]");
                if (!"recurring".equals(Json.str(price, "type"))) {
                    throw ApiError.invalid("The price specified is not recurring", "items[0][price]");
                }
                if (!Json.str(price, "currency").equals(Json.str(subscription, "currency"))) {
                    throw ApiError.invalid("The price specified has a different currency than the subscription",
                            "items[0][price]");
                }
                item.add("price", price.deepCopy());
            }
            Long quantity = change.longValue("quantity");
            if (quantity != null) {
                item.addProperty("quantity", quantity);
            }
        }
        mergeMetadata(subscription, p);
        if (p.has("cancellation_details")) {
            JsonObject details = subscription.getAsJsonObject("cancellation_details");
            for (String field : List.of("comment", "feedback")) {
                if (p.has("cancellation_details", field)) {
                    details.addProperty(field, p.str("cancellation_details", field));
                }
            }
        }
        emitIfChanged("customer.subscription.updated", before, subscription);
        return subscription;
    }

    private void setCancelAtPeriodEnd(JsonObject subscription, boolean atPeriodEnd, String reason) {
        subscription.addProperty("cancel_at_period_end", atPeriodEnd);
        subscription.add("cancel_at", atPeriodEnd ? Json.value(Json.num(subscription, "current_period_end"))
                : JsonNull.INSTANCE);
        subscription.add("canceled_at", atPeriodEnd ? Json.value(nowSeconds()) : JsonNull.INSTANCE);
        subscription.getAsJsonObject("cancellation_details").add("reason", atPeriodEnd ? Json.value(reason)
                : JsonNull.INSTANCE);
    }

    private JsonObject cancelNow(String id, Params p) {
        allow(p, Set.of("cancellation_details", "invoice_now", "prorate"));
        JsonObject subscription = find(id, "subscription", "id");
        if ("canceled".equals(Json.str(subscription, "status"))) {
            throw ApiError.invalid("This subscription has already been canceled.", null);
        }
        end(subscription, "cancellation_requested");
        return subscription;
    }

    private void end(JsonObject subscription, String reason) {
        JsonObject before = subscription.deepCopy();
        long now = nowSeconds();
        subscription.addProperty("status", "canceled");
        subscription.addProperty("ended_at", now);
        if (Json.num(subscription, "canceled_at") == null) {
            subscription.addProperty("canceled_at", now);
        }
        subscription.getAsJsonObject("cancellation_details").addProperty("reason", reason);
        Billing book = billing.get(Json.str(subscription, "id"));
        for (String invoiceId : book.retries.keySet()) {
            objects.get(invoiceId).add("next_payment_attempt", JsonNull.INSTANCE);
        }
        book.retries.clear();
        emit("customer.subscription.deleted", subscription, before);
    }

    private void mergeMetadata(JsonObject target, Params p) {
        if (!p.has("metadata")) {
            return;
        }
        JsonObject metadata = target.getAsJsonObject("metadata");
        if (p.isEmptyText("metadata")) {
            // metadata= (empty) unsets every key, as at Stripe.
            target.add("metadata", new JsonObject());
            return;
        }
        p.map("metadata").forEach((k, v) -> {
            if (v.isEmpty()) {
                metadata.remove(k);
            } else {
                metadata.addProperty(k, v);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The clock

    private long nowMillis() {
        if (processingAt != null) {
            return processingAt;
        }
        return options.frozenClock() ? clockMillis : System.currentTimeMillis() + wallOffsetMillis;
    }

    private long nowSeconds() {
        return Math.floorDiv(nowMillis(), 1000);
    }

    /** Runs everything due up to {@code target}, earliest first, each at its own time. */
    private void processDue(long target) {
        try {
            while (true) {
                long best = Long.MAX_VALUE;
                Runnable action = null;
                for (JsonObject session : all("checkout.session")) {
                    long at = Json.num(session, "expires_at") * 1000;
                    if ("open".equals(Json.str(session, "status")) && at <= target && at < best) {
                        best = at;
                        action = () -> expireSession(session, false);
                    }
                }
                for (Map.Entry<String, Billing> entry : billing.entrySet()) {
                    JsonObject subscription = objects.get(entry.getKey());
                    Billing book = entry.getValue();
                    if ("canceled".equals(Json.str(subscription, "status"))) {
                        continue;
                    }
                    if ("trialing".equals(Json.str(subscription, "status")) && !book.trialWillEndSent) {
                        long at = Math.max(Json.num(subscription, "trial_start") * 1000,
                                Json.num(subscription, "trial_end") * 1000 - options.trialWillEndBefore().toMillis());
                        if (at <= target && at < best) {
                            best = at;
                            action = () -> trialWillEnd(subscription, book);
                        }
                    }
                    for (Map.Entry<String, Retry> retry : book.retries.entrySet()) {
                        long at = retry.getValue().nextAttempt * 1000;
                        if (at <= target && at < best) {
                            best = at;
                            action = () -> retry(subscription, book, objects.get(retry.getKey()), retry.getValue());
                        }
                    }
                    long end = Json.num(subscription, "current_period_end") * 1000;
                    if (end <= target && end < best) {
                        best = end;
                        action = () -> periodEnd(subscription, book);
                    }
                }
                if (action == null) {
                    return;
                }
                processingAt = Math.max(best, nowMillisUnprocessed());
                action.run();
            }
        } finally {
            processingAt = null;
        }
    }

    private long nowMillisUnprocessed() {
        return options.frozenClock() ? clockMillis : System.currentTimeMillis() + wallOffsetMillis;
    }

    private void trialWillEnd(JsonObject subscription, Billing book) {
        book.trialWillEndSent = true;
        emit("customer.subscription.trial_will_end", subscription, null);
    }

    private void periodEnd(JsonObject subscription, Billing book) {
        if (Json.bool(subscription, "cancel_at_period_end")) {
            end(subscription, "cancellation_requested");
            return;
        }
        JsonObject before = subscription.deepCopy();
        JsonObject item = firstItem(subscription);
        JsonObject price = item.getAsJsonObject("price");
        if (!intervalOf(price).equals(book.interval)) {
            // The plan was switched to another interval: the next period starts a new cycle of the new interval.
            book.interval = intervalOf(price);
            book.anchor = Json.num(subscription, "current_period_end");
            book.cycle = -1;
        }
        book.cycle++;
        long start = periodBoundary(price, book.anchor, book.cycle);
        long end = periodBoundary(price, book.anchor, book.cycle + 1);
        for (JsonObject o : List.of(subscription, item)) {
            o.addProperty("current_period_start", start);
            o.addProperty("current_period_end", end);
        }
        if ("trialing".equals(Json.str(subscription, "status"))) {
            subscription.addProperty("status", "active");
        }
        JsonObject invoice = newInvoice(subscription, "subscription_cycle",
                Json.num(price, "unit_amount") * Json.num(item, "quantity"), start, end);
        subscription.addProperty("latest_invoice", Json.str(invoice, "id"));
        emit("customer.subscription.updated", subscription, before);
        emit("invoice.created", invoice, null);
        finalizeInvoice(invoice);
        if (!attemptPayment(invoice)) {
            Retry retry = new Retry();
            retry.firstFailure = nowSeconds();
            book.retries.put(Json.str(invoice, "id"), retry);
            failed(subscription, book, invoice, retry);
        }
    }

    private void retry(JsonObject subscription, Billing book, JsonObject invoice, Retry retry) {
        retry.retriesDone++;
        if (attemptPayment(invoice)) {
            book.retries.remove(Json.str(invoice, "id"));
            if (book.retries.isEmpty() && "past_due".equals(Json.str(subscription, "status"))) {
                JsonObject before = subscription.deepCopy();
                subscription.addProperty("status", "active");
                emit("customer.subscription.updated", subscription, before);
            }
            return;
        }
        failed(subscription, book, invoice, retry);
    }

    /** A payment of this invoice was just declined: schedules the next retry, or gives up. */
    private void failed(JsonObject subscription, Billing book, JsonObject invoice, Retry retry) {
        List<Duration> schedule = options.retrySchedule();
        boolean more = retry.retriesDone < schedule.size();
        JsonObject before = invoice.deepCopy();
        if (more) {
            retry.nextAttempt = retry.firstFailure + schedule.get(retry.retriesDone).toSeconds();
            invoice.addProperty("next_payment_attempt", retry.nextAttempt);
        } else {
            book.retries.remove(Json.str(invoice, "id"));
            invoice.add("next_payment_attempt", JsonNull.INSTANCE);
        }
        emit("invoice.payment_failed", invoice, before);
        if (!"past_due".equals(Json.str(subscription, "status")) && !"unpaid".equals(Json.str(subscription,
                "status"))) {
            JsonObject beforeSub = subscription.deepCopy();
            subscription.addProperty("status", "past_due");
            emit("customer.subscription.updated", subscription, beforeSub);
        }
        if (!more) {
            switch (options.afterRetries()) {
                case CANCEL -> end(subscription, "payment_failed");
                case MARK_UNPAID -> {
                    JsonObject beforeSub = subscription.deepCopy();
                    subscription.addProperty("status", "unpaid");
                    emitIfChanged("customer.subscription.updated", beforeSub, subscription);
                }
                case LEAVE_PAST_DUE -> {
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Billing portal

    private JsonObject createPortalSession(Params p) {
        allow(p, Set.of("customer", "return_url", "configuration", "locale"));
        String customer = p.required("customer");
        find(customer, "customer", "customer");
        String id = "bps_" + randomId(24);
        JsonObject session = Json.obj("id", id, "object", "billing_portal.session", "configuration",
                "bpc_emulator", "created", nowSeconds(), "customer", customer, "flow", null, "livemode", false,
                "locale", p.str("locale"), "on_behalf_of", null, "return_url", p.str("return_url"),
                "url", url() + "/__emulator/portal/" + id);
        put(session);
        return session;
    }

    private Answer portalPage(String sessionId) {
        JsonObject session = find(sessionId, "billing_portal.session", "id");
        String customer = Json.str(session, "customer");
        List<JsonObject> subscriptions = all("subscription").stream()
                .filter(s -> customer.equals(Json.str(s, "customer"))).toList();
        List<JsonObject> prices = all("price").stream()
                .filter(x -> "recurring".equals(Json.str(x, "type")) && Json.bool(x, "active")).toList();
        Map<String, String> names = new HashMap<>();
        prices.forEach(x -> names.put(Json.str(x, "id"), productName(x)));
        return Answer.html(200, Pages.portal(session, subscriptions, prices, names));
    }

    private Answer portalAction(String sessionId, Params form) {
        JsonObject session = find(sessionId, "billing_portal.session", "id");
        JsonObject subscription = find(form.required("subscription"), "subscription", "subscription");
        if (!Json.str(session, "customer").equals(Json.str(subscription, "customer"))) {
            throw ApiError.noSuch("subscription", Json.str(subscription, "id"), "subscription");
        }
        if ("canceled".equals(Json.str(subscription, "status"))) {
            throw ApiError.invalid("This subscription is canceled.", "subscription");
        }
        JsonObject before = subscription.deepCopy();
        switch (form.required("action")) {
            case "cancel" -> setCancelAtPeriodEnd(subscription, true, "cancellation_requested");
            case "renew" -> setCancelAtPeriodEnd(subscription, false, null);
            case "switch" -> {
                JsonObject price = find(form.required("price"), "price", "price");
                if (!"recurring".equals(Json.str(price, "type"))
                        || !Json.str(price, "currency").equals(Json.str(subscription, "currency"))) {
                    throw ApiError.invalid("Not a recurring price in the subscription's currency", "price");
                }
                firstItem(subscription).add("price", price.deepCopy());
            }
            default -> throw ApiError.invalid("action: cancel, renew or switch", "action");
        }
        emitIfChanged("customer.subscription.updated", before, subscription);
        return Answer.redirect(url() + "/__emulator/portal/" + sessionId);
    }

    private Answer checkoutPage(String sessionId, String message) {
        JsonObject session = find(sessionId, "checkout.session", "id");
        return Answer.html(200, Pages.checkout(session, sessionLineItems.getOrDefault(sessionId, List.of()),
                message));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Events

    private void emit(String type, JsonObject object, JsonObject before) {
        JsonObject data = Json.obj("object", object.deepCopy());
        // As at Stripe, only *.updated events say what changed.
        if (before != null && type.endsWith(".updated")) {
            JsonObject previous = new JsonObject();
            for (Map.Entry<String, JsonElement> e : object.entrySet()) {
                JsonElement old = before.get(e.getKey());
                if (!Objects.equals(old, e.getValue())) {
                    previous.add(e.getKey(), old == null ? JsonNull.INSTANCE : old.deepCopy());
                }
            }
            data.add("previous_attributes", previous);
        }
        boolean send = deliveryEnabled && webhookUrl != null && webhookSecret != null
                && (options.webhookEvents().contains("*") || options.webhookEvents().contains(type));
        JsonObject event = Json.obj("id", "evt_" + randomId(24), "object", "event",
                "api_version", options.apiVersion(), "created", nowSeconds(), "data", data, "livemode", false,
                "pending_webhooks", send ? 1 : 0, "request", currentRequest != null ? currentRequest.deepCopy()
                        : Json.obj("id", null, "idempotency_key", null), "type", type);
        events.add(event);
        objects.put(Json.str(event, "id"), event);
        if (send) {
            sender.send(webhookUrl, webhookSecret, Json.str(event, "id"), type, Json.GSON.toJson(event));
        }
    }

    private void emitIfChanged(String type, JsonObject before, JsonObject after) {
        if (!before.equals(after)) {
            emit(type, after, before);
        }
    }

    private JsonObject listEvents(Params p) {
        allow(p, Set.of("type", "types", "created", "limit", "starting_after", "ending_before",
                "delivery_success"));
        String type = p.str("type");
        List<String> types = p.list("types");
        if (type != null && !types.isEmpty()) {
            throw ApiError.invalid("You may only specify one of these parameters: type, types.", "types");
        }
        Predicate<String> typeMatches = t -> {
            if (type != null) {
                return type.endsWith(".*") ? t.startsWith(type.substring(0, type.length() - 1)) : type.equals(t);
            }
            return types.isEmpty() || types.contains(t);
        };
        Predicate<Long> createdMatches = createdFilter(p);
        return list(p, "event", "/v1/events", Set.of("type", "types", "delivery_success"), e -> typeMatches.test(Json.str(e, "type"))
                && createdMatches.test(Json.num(e, "created")));
    }

    private static Predicate<Long> createdFilter(Params p) {
        if (!p.has("created")) {
            return c -> true;
        }
        Long exact = p.isMap("created") ? null : p.longValue("created");
        Long gt = exact == null ? p.longValue("created", "gt") : null;
        Long gte = exact == null ? p.longValue("created", "gte") : null;
        Long lt = exact == null ? p.longValue("created", "lt") : null;
        Long lte = exact == null ? p.longValue("created", "lte") : null;
        return c -> (exact == null || c.equals(exact)) && (gt == null || c > gt) && (gte == null || c >= gte)
                && (lt == null || c < lt) && (lte == null || c <= lte);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lists, lookups, expansion

    /** A page of objects of this kind, newest first, as Stripe lists them. */
    private JsonObject list(Params p, String kind, String url, Set<String> filters, Predicate<JsonObject> keep) {
        Set<String> allowed = new HashSet<>(filters);
        allowed.addAll(Set.of("limit", "starting_after", "ending_before", "created"));
        allow(p, allowed);
        Long limitParam = p.longValue("limit");
        long limit = limitParam == null ? 10 : limitParam;
        if (limit < 1 || limit > 100) {
            throw ApiError.invalid("Invalid limit: must be between 1 and 100", "limit");
        }
        List<JsonObject> all = new ArrayList<>(all(kind).stream().filter(keep).toList());
        java.util.Collections.reverse(all);
        if (!kind.equals("event") && p.has("created")) {
            Predicate<Long> created = createdFilter(p);
            all.removeIf(o -> !created.test(Json.num(o, "created")));
        }
        String after = p.str("starting_after");
        String before = p.str("ending_before");
        List<JsonObject> page;
        boolean more;
        if (after != null) {
            int at = indexOf(all, after, kind, "starting_after");
            List<JsonObject> rest = all.subList(at + 1, all.size());
            page = rest.subList(0, (int) Math.min(limit, rest.size()));
            more = rest.size() > limit;
        } else if (before != null) {
            int at = indexOf(all, before, kind, "ending_before");
            List<JsonObject> rest = all.subList(0, at);
            page = rest.subList((int) Math.max(0, rest.size() - limit), rest.size());
            more = rest.size() > limit;
        } else {
            page = all.subList(0, (int) Math.min(limit, all.size()));
            more = all.size() > limit;
        }
        return Json.obj("object", "list", "data", Json.array(page.stream().map(JsonObject::deepCopy).toList()),
                "has_more", more, "url", url);
    }

    private int indexOf(List<JsonObject> all, String id, String kind, String param) {
        if (!objects.containsKey(id)) {
            throw ApiError.noSuchParam(kind, id, param);
        }
        for (int i = 0; i < all.size(); i++) {
            if (id.equals(Json.str(all.get(i), "id"))) {
                return i;
            }
        }
        // Filtered out: place it by creation order among the rest.
        List<String> order = new ArrayList<>(objects.keySet());
        int rank = order.indexOf(id);
        for (int i = 0; i < all.size(); i++) {
            if (order.indexOf(Json.str(all.get(i), "id")) < rank) {
                return i - 1;
            }
        }
        return all.size() - 1;
    }

    private List<JsonObject> all(String kind) {
        return objects.values().stream().filter(o -> kind.equals(Json.str(o, "object"))).toList();
    }

    private JsonObject find(String id, String kind, String param) {
        JsonObject found = id == null ? null : objects.get(id);
        if (found == null || !kind.equals(Json.str(found, "object"))) {
            String name = kind.replace('_', ' ');
            if ("id".equals(param)) {
                throw ApiError.noSuch(name, id, "id");
            }
            throw ApiError.noSuchParam(name, id, param);
        }
        return found;
    }

    private void put(JsonObject object) {
        objects.put(Json.str(object, "id"), object);
    }

    /** Stripe's expand[]: replaces an id by its object, along dotted paths ({@code data.x} inside lists). */
    private JsonElement expand(JsonElement result, List<String> paths) {
        JsonElement out = result.deepCopy();
        for (String path : paths) {
            expandPath(out, List.of(path.split("\\.")), path);
        }
        return out;
    }

    private void expandPath(JsonElement at, List<String> path, String whole) {
        if (!(at instanceof JsonObject o)) {
            return;
        }
        String name = path.getFirst();
        JsonElement value = o.get(name);
        if (name.equals("data") && value instanceof JsonArray array) {
            for (JsonElement e : array) {
                expandPath(e, path.subList(1, path.size()), whole);
            }
            return;
        }
        if (name.equals("line_items") && "checkout.session".equals(Json.str(o, "object"))) {
            String id = Json.str(o, "id");
            value = Json.obj("object", "list", "data", Json.array(sessionLineItems.getOrDefault(id, List.of())
                    .stream().map(JsonObject::deepCopy).toList()), "has_more", false,
                    "url", "/v1/checkout/sessions/" + id + "/line_items");
            o.add(name, value);
        } else if (value != null && value.isJsonPrimitive()) {
            JsonObject target = objects.get(value.getAsString());
            if (target == null) {
                throw ApiError.invalid("This property cannot be expanded (" + whole + ").", "expand");
            }
            value = target.deepCopy();
            o.add(name, value);
        } else if (value == null) {
            throw ApiError.invalid("This property cannot be expanded (" + whole + ").", "expand");
        }
        if (path.size() > 1) {
            expandPath(value, path.subList(1, path.size()), whole);
        }
    }

    private String randomId(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(BASE62.charAt(random.nextInt(BASE62.length())));
        }
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Command line

    /**
     * {@code java -cp <test-support and its dependencies> io.plansync.testing.stripe.StripeEmulator --port 12111
     * --webhook-url http://localhost:8082/webhook --webhook-secret whsec_... [--price price_pro:2900:usd:month[:14]]
     * [--retry-days 1,3,7] [--clock wall]}. Runs until killed.
     */
    public static void main(String[] args) throws InterruptedException {
        // A local run follows the wall clock (plus whatever was advanced); tests default to a frozen clock.
        Options options = Options.defaults().port(12111).clock(null, false);
        List<PriceSpec> prices = new ArrayList<>();
        String url = null;
        String secret = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null && !arg.equals("--help")) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            switch (arg) {
                case "--port" -> options = options.port(Integer.parseInt(value));
                case "--host" -> options = options.host(value);
                case "--webhook-url" -> url = value;
                case "--webhook-secret" -> secret = value;
                case "--api-version" -> options = options.apiVersion(value);
                case "--clock" -> options = options.clock(null, !value.equals("wall"));
                case "--retry-days" -> options = options.retrySchedule(java.util.Arrays.stream(value.split(","))
                        .map(d -> Duration.ofDays(Long.parseLong(d.trim()))).toList(), options.afterRetries());
                case "--price" -> {
                    String[] parts = value.split(":");
                    if (parts.length < 4) {
                        throw new IllegalArgumentException("--price id:amount:currency:interval[:trialDays]");
                    }
                    PriceSpec spec = new PriceSpec(parts[0], null, parts[0], Long.parseLong(parts[1]), parts[2],
                            parts[3], 1, parts.length > 4 ? Integer.parseInt(parts[4]) : null);
                    prices.add(spec);
                }
                case "--help" -> {
                    System.out.println("PlanSync Stripe emulator (not Stripe): --port N --webhook-url URL "
                            + "--webhook-secret whsec_... --price id:amount:currency:interval[:trialDays] "
                            + "--retry-days 1,3,7 --clock frozen|wall --api-version V --host H");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
            i++;
        }
        if (url != null || secret != null) {
            options = options.webhook(url, secret);
        }
        StripeEmulator emulator = new StripeEmulator(options);
        prices.forEach(emulator::createPrice);
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
        System.out.println("PlanSync Stripe emulator (NOT Stripe) at " + emulator.url() + "; webhooks to "
                + (url == null ? "nowhere" : url) + "; clock " + emulator.now());
        Thread.currentThread().join();
    }
}
