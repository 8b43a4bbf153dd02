package io.plansync.e2e;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.plansync.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operators' alert rules (ops/prometheus/plansync-alerts.yml) and dashboard (ops/grafana/plansync-dashboard.json)
 * read only metrics the services really export: the system runs one purchase, a card change, refused tokens, a
 * refused webhook and a refused API call, so that the counters that appear on first use are there, and every metric
 * named in an alert's or a panel's expression must be a sample name in identity-service's or payment-service's
 * /prometheus. Also checks the rules carry what an operator needs (for, severity, summary, description, a runbook
 * entry that README.md has).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsSignalsTest {
    /** e2e tests run in e2e/: the files live at the repository root. */
    private static final Path ROOT = Path.of("..");
    private static final Path RULES = ROOT.resolve("ops/prometheus/plansync-alerts.yml");
    private static final Path DASHBOARD = ROOT.resolve("ops/grafana/plansync-dashboard.json");
    private static final Path README = ROOT.resolve("README.md");

    /** Words of PromQL that are not metric names: operators, modifiers, aggregations and literals. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "atan2", "inf", "nan", "sum", "min", "max", "avg", "group",
            "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Prometheus's own series on every target, not the services' (up == 0 is the service-down alert). */
    private static final Set<String> SCRAPE_SERIES = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added");

    private final PlanSyncSystem system = new PlanSyncSystem(1);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterAll
    void stop() {
        system.close();
    }

    @Test
    void every_metric_the_alerts_and_the_dashboard_read_is_exported_by_a_service() throws Exception {
        Map<String, Set<String>> referenced = new TreeMap<>();
        alertRules().forEach(rule -> metricNames((String) rule.get("expr")).forEach(name ->
                referenced.computeIfAbsent(name, n -> new TreeSet<>()).add("alert " + rule.get("alert"))));
        List<Map.Entry<String, String>> panelTargets = dashboardTargets();
        assertThat(panelTargets).as("panel targets in " + DASHBOARD).isNotEmpty();
        panelTargets.forEach(target -> metricNames(target.getValue()).forEach(name ->
                referenced.computeIfAbsent(name, n -> new TreeSet<>()).add("panel \"" + target.getKey() + "\"")));
        SCRAPE_SERIES.forEach(referenced::remove);
        assertThat(referenced).as("metrics the alerts and panels read").hasSizeGreaterThan(10);

        exerciseTheSignals();

        Set<String> exported = Eventually.await("the relay's delivery to show in the metrics", Duration.ofSeconds(20),
                this::exported, names -> names.contains("plansync_outbox_delivery_rows_total")
                        && names.contains("plansync_outbox_delivery_request_seconds_count")
                        && names.contains("plansync_plan_changes_total"));
        Map<String, Set<String>> missing = new TreeMap<>(referenced);
        missing.keySet().removeAll(exported);
        assertThat(missing).as("metric names in the alert rules or the dashboard that neither identity-service nor "
                + "payment-service exports (the scrapes are in target/ops-signals/)").isEmpty();
    }

    @Test
    void every_alert_says_how_bad_it_is_what_it_means_and_where_the_runbook_is() throws Exception {
        String readme = Files.readString(README);
        List<Map<String, Object>> rules = alertRules();
        assertThat(rules).isNotEmpty();
        for (Map<String, Object> rule : rules) {
            String name = String.valueOf(rule.get("alert"));
            assertThat(rule).as(name).containsKeys("alert", "expr", "for", "labels", "annotations");
            @SuppressWarnings("unchecked") Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
            assertThat(labels.get("severity")).as(name + " severity").isIn("page", "ticket");
            @SuppressWarnings("unchecked") Map<String, Object> notes = (Map<String, Object>) rule.get("annotations");
            assertThat(notes).as(name).containsKeys("summary", "description", "runbook");
            assertThat(String.valueOf(notes.get("description"))).as(name + " description").hasSizeGreaterThan(60);
            String runbook = String.valueOf(notes.get("runbook"));
            assertThat(runbook).as(name + " runbook").startsWith("README: ");
            // "README: Heading > Subheading > Runbook entry": each part a heading of README.md, the last one a
            // heading or a runbook entry ("- **identity-service is down.** ...").
            List<String> parts = List.of(runbook.substring("README: ".length()).split(" > "));
            for (int i = 0; i < parts.size(); i++) {
                String part = parts.get(i);
                boolean heading = Pattern.compile("(?m)^#{2,4} " + Pattern.quote(part) + "$").matcher(readme).find();
                boolean entry = i == parts.size() - 1 && readme.contains("- **" + part);
                assertThat(heading || entry).as(name + ": README.md has no heading or runbook entry \"" + part
                        + "\"").isTrue();
            }
        }
    }

    // --- what the services are made to do, so that counters registered on first use exist ------------------------

    private void exerciseTheSignals() throws Exception {
        var user = system.newUser();
        // A purchase: webhooks, the relay's delivery, plan changes at identity-service.
        String paymentIntent = system.buy(user, "pro", 0);
        assertThat(system.deliverSucceeded(user.id(), paymentIntent, "pro", 2900, Instant.now().getEpochSecond() - 5,
                0)).isEqualTo(200);
        // A webhook whose signature does not verify: 400.
        assertThat(system.http.post(system.payment(0).url() + "/webhook", "{\"id\":\"evt_forged\"}",
                Map.of("Stripe-Signature", "t=1,v1=00"))).isEqualTo(400);
        // Tokens refused by both services.
        assertThat(status(get(system.identity.url() + "/users/me", Map.of("Authorization", "Bearer not.a.token"))))
                .isEqualTo(401);
        assertThat(status(get(system.payment(0).url() + "/user-status", Map.of("Authorization", "Bearer not.a.token"))))
                .isEqualTo(401);
        // A failed login.
        assertThat(system.http.post(system.identity.url() + "/auth/login",
                "{\"email\":\"" + user.email() + "\",\"password\":\"wrong password\"}", Map.of())).isEqualTo(401);
        // A developer API call without a key: counted for key "none".
        assertThat(status(get(system.payment(0).url() + "/v1/me", Map.of()))).isEqualTo(401);
        changeACard(user);
        Eventually.await("identity to report pro", Duration.ofSeconds(15),
                () -> system.http.call("GET", system.identity.url() + "/users/me", user.token(), null, 200)
                        .get("plan").getAsString(), "pro"::equals);
    }

    /**
     * Signs in to the billing pages and asks to make a card the default: the change is counted against the account's
     * limits (plansync_payment_method_changes_total) before the card is looked up, whatever Stripe then says.
     */
    private void changeACard(PlanSyncSystem.User user) throws Exception {
        String billing = system.payment(0).url() + "/billing";
        Map<String, String> cookies = new LinkedHashMap<>();
        keepCookies(get(billing + "/sign-in", Map.of()), cookies);
        HttpResponse<String> signedIn = post(billing + "/sign-in", cookies,
                "{\"email\":\"" + user.email() + "\",\"password\":\"a long enough password\"}");
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        keepCookies(signedIn, cookies);
        HttpResponse<String> issued = post(billing + "/operation-tokens", cookies,
                "{\"category\":\"payment_methods:write\"}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String token = JsonParser.parseString(issued.body()).getAsJsonObject().get("token").getAsString();
        HttpResponse<String> changed = send(HttpRequest.newBuilder(URI.create(billing + "/payment-methods/pm_"
                        + UUID.randomUUID().toString().replace("-", "") + "/default"))
                .header("Content-Type", "application/json").header("X-Operation-Token", token)
                .POST(HttpRequest.BodyPublishers.noBody()), cookies);
        // The Stripe stand-in knows no cards: 404, or 502 STRIPE_UNAVAILABLE as it answers the look-up with a
        // body stripe-java does not read. Either way the change was counted first.
        assertThat(changed.statusCode()).as(changed.body()).isIn(404, 502);
    }

    private HttpResponse<String> post(String url, Map<String, String> cookies, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), cookies);
    }

    /** With the billing cookies, and the CSRF cookie's value as X-CSRF-Token, as billing.js sends it. */
    private HttpResponse<String> send(HttpRequest.Builder request, Map<String, String> cookies) {
        request.timeout(Duration.ofSeconds(15));
        if (!cookies.isEmpty()) {
            request.header("Cookie", String.join("; ", cookies.entrySet().stream()
                    .map(c -> c.getKey() + "=" + c.getValue()).toList()));
        }
        if (cookies.containsKey("plansync_billing_csrf")) {
            request.header("X-CSRF-Token", cookies.get("plansync_billing_csrf"));
        }
        return send(request.build());
    }

    private static void keepCookies(HttpResponse<?> response, Map<String, String> cookies) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int equals = pair.indexOf('=');
            String name = pair.substring(0, equals).trim();
            String value = pair.substring(equals + 1).trim();
            if (value.isEmpty()) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
    }

    private HttpResponse<String> get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    private static int status(HttpResponse<?> response) {
        return response.statusCode();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // --- the two scrapes -----------------------------------------------------------------------------------------

    /** The sample names both services export now; each scrape is kept in target/ops-signals/ for a failure. */
    private Set<String> exported() {
        Set<String> names = new TreeSet<>();
        names.addAll(sampleNames("identity-service", scrape(system.identity.managementUrl())));
        names.addAll(sampleNames("payment-service", scrape(system.payment(0).managementUrl())));
        return names;
    }

    private String scrape(String managementUrl) {
        HttpResponse<String> response = get(managementUrl + "/prometheus", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /**
     * The names of the samples in a Prometheus text exposition: what PromQL selects by. A timer is its _count, _sum
     * and _max samples, so an expression must name those (no _bucket unless a histogram is published).
     */
    private static Set<String> sampleNames(String service, String exposition) {
        try {
            Path kept = Path.of("target", "ops-signals", service + ".prom");
            Files.createDirectories(kept.getParent());
            Files.writeString(kept, exposition);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Set<String> names = new TreeSet<>();
        Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(exposition);
        while (sample.find()) {
            names.add(sample.group(1));
        }
        return names;
    }

    // --- the two files -------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alertRules() throws IOException {
        Map<String, Object> document = new Yaml().load(Files.readString(RULES));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    /** Each panel's title with each of its targets' expressions (rows' nested panels included). */
    private static List<Map.Entry<String, String>> dashboardTargets() throws IOException {
        JsonObject dashboard = JsonParser.parseString(Files.readString(DASHBOARD)).getAsJsonObject();
        List<Map.Entry<String, String>> targets = new ArrayList<>();
        collectTargets(dashboard.getAsJsonArray("panels"), targets);
        return targets;
    }

    private static void collectTargets(JsonArray panels, List<Map.Entry<String, String>> into) {
        if (panels == null) {
            return;
        }
        for (JsonElement element : panels) {
            JsonObject panel = element.getAsJsonObject();
            String title = panel.has("title") ? panel.get("title").getAsString() : "(untitled)";
            if (panel.has("targets")) {
                for (JsonElement target : panel.getAsJsonArray("targets")) {
                    JsonElement expr = target.getAsJsonObject().get("expr");
                    if (expr != null) {
                        into.add(Map.entry(title, expr.getAsString()));
                    }
                }
            }
            collectTargets(panel.getAsJsonArray("panels"), into);
        }
    }

    /**
     * The metric names a PromQL expression selects: identifiers left once strings, label matchers, ranges and
     * grouping clauses are taken out, that are neither functions (followed by "(") nor PromQL's own words.
     */
    static Set<String> metricNames(String expr) {
        String bare = expr
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("`[^`]*`", "``")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " $1 ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(bare);
        while (identifier.find()) {
            String name = identifier.group(1);
            if (identifier.group(2) == null && !KEYWORDS.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
