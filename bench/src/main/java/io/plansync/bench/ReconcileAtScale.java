package io.plansync.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reconciliation over many users: that many users are written straight into both databases (the same plan on both
 * sides, except one in a hundred that identity-service holds as free), an operator starts a dry run through the
 * admin API, and it is timed from the start to its end, following it as the CLI does. Stripe is not reachable here,
 * so its two phases fail fast and the time is the comparison with identity-service.
 */
final class ReconcileAtScale {
    private static final Pattern NUMBER = Pattern.compile("\"(id|checked|drifted|failed)\"\\s*:\\s*(\\d+)");
    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([a-z]+)\"");

    private final BenchSystem system;
    private final HttpClient http = HttpClient.newHttpClient();

    ReconcileAtScale(BenchSystem system) {
        this.system = system;
    }

    /** @param checked users compared (every settled user, the seeded ones and the load's) */
    record Result(int seeded, double seconds, long checked, long drifted, long failed, String state) {
        void addTo(Table table) {
            table.add("reconciliation (dry run) of " + seeded + " seeded users + the load's",
                    String.format(Locale.ROOT, "%.1f s for %d users = %.0f users/s; %d drifted (%d seeded), "
                                    + "%d failed, %s", seconds, checked, checked / seconds, drifted, seeded / 100,
                            failed, state));
        }
    }

    Result run(int users) throws Exception {
        seed(users);
        String token = field(post(system.identityUrl() + "/auth/login", null, "{\"email\":\"" + system.adminEmail()
                + "\",\"password\":\"" + system.adminPassword() + "\"}"), "access_token");
        long started = System.nanoTime();
        String run = post(system.paymentUrl() + "/admin/reconciliations?dryRun=true", token, "");
        long id = number(run, "id");
        while ("running".equals(state(run))) {
            Thread.sleep(200);
            run = get(system.paymentUrl() + "/admin/reconciliations/" + id, token);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(users, seconds, number(run, "checked"), number(run, "drifted"), number(run, "failed"),
                state(run));
    }

    /** The same users on both sides; every hundredth is free at identity-service (a drift to find). */
    private void seed(int users) throws Exception {
        String id = "md5('reconcile-bench-' || g)::uuid";
        try (Connection identity = system.identityDb().connect();
             PreparedStatement insert = identity.prepareStatement("insert into users (id, email, password_hash, "
                     + "plan, plan_changed_at) select " + id + ", 'reconcile-' || g || '@bench.test', 'not-a-login', "
                     + "case when g % 100 = 0 then 'free' else 'pro' end, now() - interval '1 day' "
                     + "from generate_series(1, ?) g")) {
            insert.setInt(1, users);
            insert.executeUpdate();
            identity.createStatement().execute("analyze users");
        }
        try (Connection payment = system.paymentDb().connect();
             PreparedStatement insert = payment.prepareStatement("insert into user_plans (user_id, plan, status, "
                     + "source_event_id, source_event_at) select " + id + ", 'pro', 'active', 'bench-seed-' || g, "
                     + "now() - interval '1 day' from generate_series(1, ?) g")) {
            insert.setInt(1, users);
            insert.executeUpdate();
            payment.createStatement().execute("analyze user_plans");
        }
    }

    private String post(String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    private String get(String url, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    private String send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(request.uri().getPath() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    private static long number(String json, String name) {
        Matcher m = NUMBER.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new IllegalStateException("no " + name + " in " + json);
    }

    private static String state(String json) {
        Matcher m = STATE.matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in the answer");
        }
        return m.group(1);
    }
}
