package io.plansync.e2e;

import io.plansync.testing.Eventually;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.plansync.cli.PlanSyncCli;
import io.plansync.cli.config.CliContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator CLI, run in-process, against identity-service and payment-service running as real processes: an
 * admin logs in, finds a plan change that went dead, looks at its history, replays it, and runs a reconciliation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorCliTest {
    // A payment for a user identity-service does not know can only be a PaymentIntent created elsewhere.
    private final PlanSyncSystem system = new PlanSyncSystem(1, false,
            Map.of("PLANSYNC_ACCEPT_EXTERNAL_PAYMENT_INTENTS", "true"));

    @TempDir
    Path home;

    @AfterAll
    void stop() {
        system.close();
    }

    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    private Run plansync(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), null, home);
        int exitCode = PlanSyncCli.commandLine(context).execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void an_admin_finds_inspects_and_replays_a_dead_plan_change_and_reconciles() throws Exception {
        Path tokenFile = home.resolve("plansync/token");
        Map<String, String> env = new HashMap<>();
        env.put("PLANSYNC_TOKEN_FILE", tokenFile.toString());
        env.put("PLANSYNC_PAYMENT_URL", system.payment(0).url());

        // Log in: the password comes from standard input, the token goes to a file only the user can read.
        var login = plansync(env, PlanSyncSystem.ADMIN_PASSWORD + "\n",
                "login", "--identity", system.identity.url(), "--email", PlanSyncSystem.ADMIN_EMAIL);
        assertThat(login.exitCode()).as(login.toString()).isZero();
        String token = Files.readString(tokenFile).strip();
        assertThat(token).isNotBlank();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(login.out() + login.err()).doesNotContain(token).doesNotContain(PlanSyncSystem.ADMIN_PASSWORD);

        // A payment for a user identity-service does not know: identity answers 404 and the row goes dead.
        String userId = UUID.randomUUID().toString();
        assertThat(system.deliverSucceeded(userId, "pi_" + UUID.randomUUID(), "pro", 2900,
                Instant.now().getEpochSecond() - 10, 0)).isEqualTo(200);
        JsonObject dead = Eventually.await("the plan change to go dead", Duration.ofSeconds(20),
                () -> onlyRow(plansync(env, "", "outbox", "list", "--user", userId, "--json")),
                row -> row != null && "dead".equals(row.get("state").getAsString()));
        long id = dead.get("id").getAsLong();

        var list = plansync(env, "", "outbox", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).containsPattern("^ *ID  USER +PLAN  STATUS  STATE  ATTEMPTS").contains(userId)
                .contains(" pro ").contains(" dead ");
        assertThat(list.out().lines().filter(line -> line.contains(userId)).findFirst().orElseThrow().strip())
                .startsWith(id + "  " + userId);

        var show = plansync(env, "", "outbox", "show", Long.toString(id));
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).startsWith("Outbox row " + id + "\n").contains("  user            " + userId)
                .contains("  state           dead").contains("Attempt history (1):");
        assertThat(show.out().substring(show.out().indexOf("Attempt history"))).contains("404");

        // Replaying it makes it pending; identity still does not know the user, so it goes dead again.
        var replay = plansync(env, "", "outbox", "replay", Long.toString(id));
        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        assertThat(replay.out()).contains("Row " + id + " replayed: now pending");
        JsonObject again = Eventually.await("the replayed row to go dead again", Duration.ofSeconds(20),
                () -> JsonParser.parseString(plansync(env, "", "outbox", "show", Long.toString(id), "--json").out())
                        .getAsJsonObject(),
                row -> row.getAsJsonArray("history").size() == 2 && "dead".equals(row.get("state").getAsString()));
        assertThat(again.getAsJsonArray("history").get(1).getAsJsonObject().get("httpStatus").getAsInt())
                .isEqualTo(404);

        // A bulk replay of that user's dead rows, without the question.
        var bulk = plansync(env, "", "outbox", "replay", "--all-dead", "--user", userId, "--yes");
        assertThat(bulk.exitCode()).as(bulk.toString()).isZero();
        assertThat(bulk.out()).startsWith("Replayed 1 dead row of user " + userId);

        var unknown = plansync(env, "", "outbox", "replay", "999999");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("error: ").contains("(NOT_FOUND)");

        var reconcile = plansync(env, "", "reconcile", "--dry-run");
        assertThat(reconcile.exitCode()).as(reconcile.toString()).isZero();
        assertThat(reconcile.out()).startsWith("Reconciliation ").contains("(dry run").contains("users checked")
                .contains("drifted").contains("subscriptions checked").contains("Stripe events checked");

        // A user without the admin or operator role is refused.
        Map<String, String> plainUser = new HashMap<>(env);
        plainUser.put("PLANSYNC_TOKEN", system.newUser().token());
        var refused = plansync(plainUser, "", "outbox", "list");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).startsWith("error: ").contains("(FORBIDDEN)");
    }

    @Test
    void an_admin_sees_a_user_across_the_services_and_signs_them_out_everywhere() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PLANSYNC_TOKEN", system.adminToken());
        env.put("PLANSYNC_PAYMENT_URL", system.payment(0).url());
        env.put("PLANSYNC_IDENTITY_URL", system.identity.url());
        var user = system.newUser();
        String paymentIntent = system.buy(user, "pro", 0);
        assertThat(system.deliverSucceeded(user.id(), paymentIntent, "pro", 2900, Instant.now().getEpochSecond() - 5,
                0)).isEqualTo(200);
        String admin = system.adminToken();
        Eventually.await("the plan at identity-service", Duration.ofSeconds(20),
                () -> system.planAtIdentity(user.id(), admin), "pro"::equals);

        var show = plansync(env, "", "users", "show", user.id());
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).startsWith("User " + user.id() + "\n").contains("Stripe")
                .containsPattern("payment-service +pro +active .*sync synced")
                .containsPattern("identity-service +pro +active .*" + java.util.regex.Pattern.quote(user.email()))
                .contains("Plan changes sent to identity-service, newest first:");
        var json = JsonParser.parseString(plansync(env, "", "users", "show", user.id(), "--json").out())
                .getAsJsonObject();
        assertThat(json.getAsJsonObject("identity").getAsJsonObject("user").get("plan").getAsString())
                .isEqualTo("pro");
        assertThat(json.getAsJsonArray("history").get(0).getAsJsonObject().get("state").getAsString())
                .isEqualTo("done");

        // Signed out everywhere: the refresh token of a session the user had is refused afterwards.
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String login = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(system.identity.url()
                        + "/auth/login")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"email\":\"" + user.email()
                        + "\",\"password\":\"a long enough password\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String refreshToken = JsonParser.parseString(login).getAsJsonObject().get("refresh_token").getAsString();
        var revoke = plansync(env, "", "users", "revoke-sessions", user.id());
        assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
        assertThat(revoke.out()).startsWith("Signed out user " + user.id() + ": 2 refresh token(s) revoked, "
                + "0 billing session(s) ended.");
        int refreshed = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(system.identity.url()
                        + "/auth/refresh")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"refresh_token\":\"" + refreshToken
                        + "\"}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
        assertThat(refreshed).isEqualTo(401);
        assertThat(plansync(env, "", "users", "show", "not-a-uuid").exitCode()).isEqualTo(1);
    }

    private static JsonObject onlyRow(Run run) {
        if (run.exitCode() != 0) {
            throw new IllegalStateException(run.toString());
        }
        JsonArray items = JsonParser.parseString(run.out()).getAsJsonArray();
        return items.isEmpty() ? null : items.get(0).getAsJsonObject();
    }
}
