package io.plansync.identity.plan;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpHeaders;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.Concurrently;
import io.plansync.identity.ForgedTokens;
import io.plansync.identity.IdentitySigningKey;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import io.plansync.identity.accounts.User;
import io.plansync.identity.accounts.UserRepository;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /admin/plan-changes}: each change of a batch ends, and is audited, exactly as it would alone on
 * {@code PUT /admin/users/{id}/plan}; results come back in the request's order; only the caller or the shape of the
 * whole body refuses the whole request, and such refusals are audited too (or, without valid credentials, counted).
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanChangeBatchTest implements TestPropertyProvider {
    private static final String WRITE = "users:plan:write";
    private static final String T0 = "2025-06-01T12:00:00Z";
    private static final String ONE_HOUR_EARLIER = "2025-06-01T11:00:00Z";
    private static final String ONE_HOUR_LATER = "2025-06-01T13:00:00Z";

    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    private final TestDatabases.Database database = TestDatabases.fresh("identity");
    private final AuditTrail audit = new AuditTrail(database);
    private final IdentitySigningKey signingKey = new IdentitySigningKey();

    @Inject
    Api api;

    @Inject
    UserRepository users;

    @Inject
    MeterRegistry metrics;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.of(database, payment.properties(), signingKey.properties(),
                TestAdmin.properties());
    }

    @Test
    void each_change_ends_as_it_would_alone_and_results_follow_the_request() {
        String admin = api.adminToken();
        UUID fresh = newUser("applied");
        UUID ahead = newUser("stale");
        assertThat(api.putPlan(ahead, Api.planChange("pro", T0), admin).status()).isEqualTo(200);
        UUID redelivered = newUser("duplicate");
        String seenEvent = "evt_" + UUID.randomUUID();
        assertThat(api.putPlan(redelivered, Api.planChange("pro", T0, seenEvent), admin).status()).isEqualTo(200);
        UUID invalid = newUser("invalid");
        UUID unknown = UUID.randomUUID();
        String notAnId = "not-a-uuid-" + UUID.randomUUID();
        String newEvent = "evt_" + UUID.randomUUID();
        String token = payment.token(WRITE);
        Map<String, Object> invalidChange = Map.of("userId", invalid.toString(), "plan", "gold", "status", "active",
                "updatedBy", "test", "timestamp", "yesterday");
        Map<String, Object> withoutUser = Map.of("plan", "pro", "status", "active", "updatedBy", "test",
                "timestamp", T0);

        Reply reply = api.postPlanChangesAsService(batch(
                change(fresh, "enterprise", T0, newEvent),
                change(ahead, "enterprise", ONE_HOUR_EARLIER, null),
                // Later than the user's plan, so only the event id can stop it.
                change(redelivered, "enterprise", ONE_HOUR_LATER, seenEvent),
                change(unknown, "pro", T0, null),
                change(notAnId, "pro", T0, null),
                invalidChange,
                withoutUser), token);

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertThat(reply.contentType()).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        List<Map<String, Object>> results = results(reply);
        assertThat(results).extracting(r -> r.get("userId")).containsExactly(fresh.toString(), ahead.toString(),
                redelivered.toString(), unknown.toString(), notAnId, invalid.toString(), null);
        assertThat(results).extracting(PlanChangeBatchTest::status).containsExactly(200, 200, 200, 404, 404, 400, 400);
        assertThat(results).extracting(r -> r.get("applied"))
                .containsExactly(true, false, false, false, false, false, false);
        assertThat(results).extracting(r -> r.get("code")).containsExactly(null, null, null, "USER_NOT_FOUND",
                "USER_NOT_FOUND", "VALIDATION_FAILED", "VALIDATION_FAILED");
        assertThat(results.get(0)).containsEntry("eventId", newEvent).containsEntry("code", null)
                .containsEntry("detail", null);
        assertThat(results.get(2)).containsEntry("eventId", seenEvent);
        assertThat((String) results.get(5).get("detail")).as("names the invalid fields, echoes no values")
                .contains("plan").contains("timestamp")
                .doesNotContain("status").doesNotContain("updatedBy").doesNotContain("gold").doesNotContain("yesterday");
        assertThat((String) results.get(6).get("detail")).contains("userId").doesNotContain("plan");

        assertThat(user(fresh).plan()).isEqualTo("enterprise");
        assertThat(user(fresh).planChangedAt()).isEqualTo(Instant.parse(T0));
        assertThat(user(ahead).plan()).isEqualTo("pro");
        assertThat(user(redelivered).plan()).isEqualTo("pro");
        assertThat(user(invalid).plan()).isEqualTo("free");

        String jti = ForgedTokens.claimsOf(token).getJWTID();
        AuditTrail.Row applied = audit.onlyRowFor(fresh);
        assertThat(applied.result()).isEqualTo("applied");
        assertThat(applied.httpStatus()).isEqualTo(200);
        assertThat(applied.code()).isNull();
        assertThat(applied.actorType()).isEqualTo("service");
        assertThat(applied.actorId()).isEqualTo("payment-service");
        assertThat(applied.tokenJti()).isEqualTo(jti);
        assertThat(applied.fromPlan()).isEqualTo("free");
        assertThat(applied.toPlan()).isEqualTo("enterprise");
        assertThat(applied.eventId()).isEqualTo(newEvent);
        assertThat(applied.sourceTimestamp()).isEqualTo(Instant.parse(T0));
        assertThat(audit.rowsFor(ahead).getLast()).extracting(AuditTrail.Row::result, AuditTrail.Row::httpStatus,
                AuditTrail.Row::fromPlan, AuditTrail.Row::toPlan).containsExactly("stale", 200, "pro", "enterprise");
        assertThat(audit.rowsFor(redelivered).getLast()).extracting(AuditTrail.Row::result,
                AuditTrail.Row::httpStatus, AuditTrail.Row::eventId).containsExactly("duplicate", 200, seenEvent);
        assertRefused(audit.onlyRowFor(unknown), 404, "USER_NOT_FOUND");
        assertRefused(audit.onlyRowFor(notAnId), 404, "USER_NOT_FOUND");
        AuditTrail.Row refusedInvalid = audit.onlyRowFor(invalid);
        assertRefused(refusedInvalid, 400, "VALIDATION_FAILED");
        assertThat(refusedInvalid.toPlan()).as("what was asked for, even though invalid").isEqualTo("gold");
        assertThat(refusedInvalid.sourceTimestamp()).isNull();
        assertThat(audit.rowsWithJti(jti)).as("one entry per change").hasSize(7)
                .allSatisfy(row -> assertThat(row.actorType()).isEqualTo("service"));
    }

    @Test
    void a_change_that_is_not_an_object_is_refused_alone() {
        UUID user = newUser("after-null");

        Reply reply = api.postPlanChangesAsService(
                "{\"changes\": [null, {\"userId\": \"" + user + "\", \"plan\": \"pro\", \"status\": \"active\", "
                        + "\"updatedBy\": \"test\", \"timestamp\": \"" + T0 + "\"}]}", payment.token(WRITE));

        List<Map<String, Object>> results = results(reply);
        assertThat(results).extracting(PlanChangeBatchTest::status).containsExactly(400, 200);
        assertThat(results.getFirst()).containsEntry("code", "VALIDATION_FAILED");
        assertThat(results.getLast()).containsEntry("applied", true);
        assertThat(user(user).plan()).isEqualTo("pro");
    }

    @Test
    void results_keep_the_request_order_though_users_are_locked_in_id_order() {
        List<UUID> descending = IntStream.range(0, 6).mapToObj(i -> newUser("order")).sorted(
                Comparator.comparing(UUID::toString).reversed()).toList();
        List<String> plans = List.of("pro", "enterprise", "free", "enterprise", "pro", "enterprise");
        List<Map<String, Object>> changes = new ArrayList<>();
        for (int i = 0; i < descending.size(); i++) {
            changes.add(change(descending.get(i), plans.get(i), T0, null));
        }

        Reply reply = api.postPlanChanges(Map.of("changes", changes), api.adminToken());

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertThat(results(reply)).extracting(r -> r.get("userId"))
                .containsExactlyElementsOf(descending.stream().map(UUID::toString).toList());
        assertThat(results(reply)).extracting(r -> r.get("applied")).containsOnly(true);
        assertThat(descending).extracting(id -> user(id).plan()).containsExactlyElementsOf(plans);
    }

    @Test
    void two_changes_for_one_user_in_reverse_time_order_end_on_the_newest() {
        UUID user = newUser("reversed");

        Reply reply = api.postPlanChangesAsService(batch(
                change(user, "enterprise", ONE_HOUR_LATER, "evt_" + UUID.randomUUID()),
                change(user, "pro", T0, "evt_" + UUID.randomUUID())), payment.token(WRITE));

        // As if sent one by one in time order: pro, then enterprise over it; neither is stale.
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertThat(results(reply)).extracting(r -> r.get("applied")).containsExactly(true, true);
        assertThat(user(user).plan()).isEqualTo("enterprise");
        assertThat(user(user).planChangedAt()).isEqualTo(Instant.parse(ONE_HOUR_LATER));
        assertThat(audit.rowsFor(user)).extracting(AuditTrail.Row::result, AuditTrail.Row::fromPlan,
                AuditTrail.Row::toPlan).map(t -> t.toList()).containsExactly(
                List.of("applied", "free", "pro"), List.of("applied", "pro", "enterprise"));
    }

    @Test
    void changes_for_one_user_apply_in_time_order_whatever_the_request_order() {
        UUID user = newUser("older-in-batch");

        Reply reply = api.postPlanChangesAsService(batch(
                change(user, "enterprise", ONE_HOUR_LATER, null),
                change(user, "pro", T0, null),
                change(user, "free", ONE_HOUR_EARLIER, null)), payment.token(WRITE));

        assertThat(results(reply)).extracting(r -> r.get("applied")).containsExactly(true, true, true);
        assertThat(user(user).plan()).isEqualTo("enterprise");

        // Now the user is at ONE_HOUR_LATER: an older change in a new batch is stale against the stored time.
        Reply later = api.postPlanChangesAsService(batch(change(user, "pro", T0, null)), payment.token(WRITE));

        assertThat(results(later)).extracting(r -> r.get("applied")).containsExactly(false);
        assertThat(user(user).plan()).isEqualTo("enterprise");
    }

    @Test
    void the_same_event_twice_in_one_batch_is_applied_once() {
        UUID user = newUser("twice");
        String eventId = "evt_" + UUID.randomUUID();

        Reply reply = api.postPlanChangesAsService(batch(
                change(user, "pro", T0, eventId),
                change(user, "enterprise", ONE_HOUR_LATER, eventId)), payment.token(WRITE));

        assertThat(results(reply)).extracting(r -> r.get("applied")).containsExactly(true, false);
        assertThat(user(user).plan()).isEqualTo("pro");
        assertThat(audit.rowsFor(user)).extracting(AuditTrail.Row::result).containsExactly("applied", "duplicate");
    }

    @Test
    void exactly_100_changes_are_accepted_and_the_newest_wins() {
        UUID user = newUser("hundred");
        List<String> plans = List.of("free", "pro", "enterprise");
        List<Map<String, Object>> changes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            changes.add(change(user, plans.get(i % 3), Instant.parse(T0).plusSeconds(i).toString(), null));
        }
        String newestPlan = plans.get(99 % 3);
        Collections.shuffle(changes, new Random(7));

        long before = audit.lastId();
        Reply reply = api.postPlanChangesAsService(Map.of("changes", changes), payment.token(WRITE));

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertThat(results(reply)).hasSize(100).extracting(PlanChangeBatchTest::status).containsOnly(200);
        assertThat(user(user).plan()).isEqualTo(newestPlan);
        assertThat(user(user).planChangedAt()).isEqualTo(Instant.parse(T0).plusSeconds(99));
        assertThat(audit.rowsFor(user)).hasSize(100);
    }

    @Test
    void concurrent_batches_over_the_same_users_neither_deadlock_nor_lose_the_newest() throws Exception {
        List<UUID> shared = IntStream.range(0, 20).mapToObj(i -> newUser("shared")).toList();
        List<String> plans = List.of("pro", "enterprise", "free", "pro", "enterprise", "free", "pro", "enterprise");
        AtomicInteger next = new AtomicInteger();

        List<Reply> replies = Concurrently.run(plans.size(), () -> {
            int batch = next.getAndIncrement();
            List<Map<String, Object>> changes = new ArrayList<>();
            for (UUID user : shared) {
                changes.add(change(user, plans.get(batch), Instant.parse(T0).plusSeconds(batch).toString(), null));
            }
            // Each batch names the users in another order; the service must lock them in one order regardless.
            Collections.shuffle(changes, new Random(batch));
            return api.postPlanChangesAsService(Map.of("changes", changes), payment.token(WRITE));
        });

        assertThat(replies).extracting(Reply::status).containsOnly(200);
        String newest = plans.getLast();
        assertThat(shared).extracting(id -> user(id).plan()).containsOnly(newest);
        // The plan name alone recurs across batches; the time says it was the newest batch that won.
        assertThat(shared).extracting(id -> user(id).planChangedAt())
                .containsOnly(Instant.parse(T0).plusSeconds(plans.size() - 1));
    }

    @Test
    void a_timestamp_in_the_future_is_refused_alone_naming_timestamp() {
        UUID ahead = newUser("from-the-future");
        UUID fine = newUser("fine");

        Reply reply = api.postPlanChangesAsService(batch(
                change(ahead, "enterprise", Instant.now().plusSeconds(3600).toString(), null),
                change(fine, "pro", T0, null)), payment.token(WRITE));

        List<Map<String, Object>> results = results(reply);
        assertThat(results).extracting(PlanChangeBatchTest::status).containsExactly(400, 200);
        assertThat(results.getFirst()).containsEntry("code", "VALIDATION_FAILED");
        assertThat((String) results.getFirst().get("detail")).startsWith("timestamp ");
        assertThat(user(ahead).plan()).isEqualTo("free");
        assertThat(user(fine).plan()).isEqualTo("pro");
    }

    @Test
    void a_timestamp_beyond_what_the_database_holds_is_refused_alone() {
        UUID odd = newUser("odd-year");
        UUID fine = newUser("fine");

        Reply reply = api.postPlanChangesAsService(batch(change(odd, "pro", "+999999-01-01T00:00:00Z", null),
                change(fine, "pro", T0, null)), payment.token(WRITE));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(results(reply)).extracting(PlanChangeBatchTest::status).containsExactly(400, 200);
        assertThat(user(odd).plan()).isEqualTo("free");
        assertThat(user(fine).plan()).isEqualTo("pro");
    }

    // --- the whole request refused ---

    @Test
    void no_credentials_is_401_and_the_attempt_is_counted_not_audited() {
        UUID first = newUser("anonymous");
        UUID second = newUser("anonymous");
        long before = audit.lastId();
        AnonymousAttempts attempts = new AnonymousAttempts(metrics);
        double counted = attempts.count(AnonymousAttempts.BATCH, "refused", "AUTH_INVALID");

        Reply reply = api.postPlanChanges(batch(change(first, "pro", T0, null),
                change(second, "enterprise", T0, null)), null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_INVALID");
        assertThat(reply.contentType()).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(reply.header(HttpHeaders.WWW_AUTHENTICATE)).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        assertThat(user(first).plan()).isEqualTo("free");
        assertThat(user(second).plan()).isEqualTo("free");
        // Anyone can send this: it is counted once, never written to the append-only trail.
        assertThat(audit.rowsAfter(before)).isEmpty();
        assertThat(attempts.count(AnonymousAttempts.BATCH, "refused", "AUTH_INVALID")).isEqualTo(counted + 1);
    }

    @Test
    void a_refused_service_token_is_401() {
        UUID user = newUser("bad-token");
        String token = payment.sign(payment.claims(WRITE).audience("elsewhere").build());
        long before = audit.lastId();
        AnonymousAttempts attempts = new AnonymousAttempts(metrics);
        double counted = attempts.count(AnonymousAttempts.BATCH, "refused", "AUTH_SERVICE_TOKEN_INVALID");

        Reply reply = api.postPlanChangesAsService(batch(change(user, "pro", T0, null)), token);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
        assertThat(reply.body()).doesNotContain(token);
        assertThat(user(user).plan()).isEqualTo("free");
        assertThat(audit.rowsAfter(before)).isEmpty();
        assertThat(attempts.count(AnonymousAttempts.BATCH, "refused", "AUTH_SERVICE_TOKEN_INVALID"))
                .isEqualTo(counted + 1);
    }

    @Test
    void a_service_token_without_the_scope_is_403_and_audited() {
        UUID user = newUser("scope");
        String token = payment.token("users:read");

        Reply reply = api.postPlanChangesAsService(batch(change(user, "pro", T0, null)), token);

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(user(user).plan()).isEqualTo("free");
        AuditTrail.Row row = audit.rowsWithJti(ForgedTokens.claimsOf(token).getJWTID()).getFirst();
        assertThat(audit.rowsWithJti(ForgedTokens.claimsOf(token).getJWTID())).hasSize(1);
        assertRefused(row, 403, "INSUFFICIENT_SCOPE");
        assertThat(row.actorType()).isEqualTo("service");
        assertThat(row.tokenJti()).isEqualTo(ForgedTokens.claimsOf(token).getJWTID());
    }

    @Test
    void a_user_without_an_admin_role_is_403() {
        UUID staff = newUser("operator");
        UUID user = newUser("target");
        long before = audit.lastId();

        Reply reply = api.postPlanChanges(batch(change(user, "pro", T0, null)),
                signingKey.sign(signingKey.claims(staff, "operator").build()));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("FORBIDDEN");
        assertThat(user(user).plan()).isEqualTo("free");
        assertThat(audit.rowsAfter(before)).singleElement()
                .satisfies(row -> assertRefused(row, 403, "FORBIDDEN"));
    }

    @Test
    void a_service_token_used_for_a_batch_cannot_be_replayed() {
        UUID first = newUser("replay");
        UUID second = newUser("replay");
        String token = payment.token(WRITE);
        assertThat(api.postPlanChangesAsService(batch(change(first, "pro", T0, null)), token).status())
                .isEqualTo(200);
        long beforeReplay = audit.lastId();

        Reply replay = api.postPlanChangesAsService(batch(change(second, "enterprise", T0, null),
                change(first, "enterprise", ONE_HOUR_LATER, null)), token);

        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
        assertThat(user(first).plan()).isEqualTo("pro");
        assertThat(user(second).plan()).isEqualTo("free");
        assertThat(audit.rowsFor(first)).extracting(AuditTrail.Row::result).containsExactly("applied");
        // A replayed token verifies nobody: counted like any attempt without valid credentials, not audited.
        assertThat(audit.rowsAfter(beforeReplay)).isEmpty();
    }

    @Test
    void an_empty_batch_is_400_and_audited_once() {
        String token = payment.token(WRITE);

        Reply reply = api.postPlanChangesAsService(Map.of("changes", List.of()), token);

        assertInvalidBody(reply);
        List<AuditTrail.Row> rows = audit.rowsWithJti(ForgedTokens.claimsOf(token).getJWTID());
        assertThat(rows).hasSize(1);
        assertRefused(rows.getFirst(), 400, "VALIDATION_FAILED");
        assertThat(rows.getFirst().targetUserId()).isNull();
    }

    @Test
    void more_than_100_changes_is_400_nothing_is_applied_and_audited_once() {
        UUID user = newUser("too-many");
        List<Map<String, Object>> changes = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            changes.add(change(user, "pro", Instant.parse(T0).plusSeconds(i).toString(), null));
        }

        long before = audit.lastId();
        Reply reply = api.postPlanChangesAsService(Map.of("changes", changes), payment.token(WRITE));

        assertInvalidBody(reply);
        assertThat(user(user).plan()).isEqualTo("free");
        // One row for the refused request: a refusal must not let a caller multiply writes to the append-only trail.
        assertThat(audit.rowsFor(user)).isEmpty();
        assertThat(audit.rowsAfter(before)).singleElement()
                .satisfies(row -> assertRefused(row, 400, "VALIDATION_FAILED"));
    }

    @Test
    void an_unreadable_body_is_400_without_echoing_it_and_audited_once() {
        String token = payment.token(WRITE);

        Reply reply = api.postPlanChangesAsService("{\"changes\": [SECRET-VALUE", token);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("VALIDATION_FAILED");
        assertThat(reply.body()).doesNotContain("SECRET-VALUE");
        List<AuditTrail.Row> rows = audit.rowsWithJti(ForgedTokens.claimsOf(token).getJWTID());
        assertThat(rows).hasSize(1);
        assertRefused(rows.getFirst(), 400, "VALIDATION_FAILED");
    }

    @Test
    void a_body_without_a_changes_array_is_400() {
        String admin = api.adminToken();

        assertInvalidBody(api.postPlanChanges(Map.of(), admin));
        assertInvalidBody(api.postPlanChanges("{\"changes\": null}", admin));
        assertThat(api.postPlanChanges("", admin).status()).isEqualTo(400);
        assertThat(api.postPlanChanges("[]", admin).status()).isEqualTo(400);
    }

    /** 400 VALIDATION_FAILED as problem+json, naming {@code changes}. */
    private static void assertInvalidBody(Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("VALIDATION_FAILED");
        assertThat(reply.contentType()).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(reply.json().get("errors")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .anySatisfy(e -> assertThat(((Map<?, ?>) e).get("field")).isEqualTo("changes"));
    }

    private static void assertRefused(AuditTrail.Row row, int status, String code) {
        assertThat(row.result()).as("result").isEqualTo("refused");
        assertThat(row.httpStatus()).as("http_status").isEqualTo(status);
        assertThat(row.code()).as("code").isEqualTo(code);
    }

    @SafeVarargs
    private static Map<String, Object> batch(Map<String, Object>... changes) {
        return Map.of("changes", List.of(changes));
    }

    private static Map<String, Object> change(Object userId, String plan, String timestamp, String eventId) {
        Map<String, Object> change = new LinkedHashMap<>(Api.planChange(plan, timestamp));
        change.put("userId", userId.toString());
        if (eventId != null) {
            change.put("eventId", eventId);
        }
        return change;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        return (List<Map<String, Object>>) reply.json().get("results");
    }

    private static int status(Map<String, Object> result) {
        return ((Number) result.get("status")).intValue();
    }

    private UUID newUser(String label) {
        return api.newUser(label).id();
    }

    private User user(UUID id) {
        return users.findById(id).orElseThrow();
    }
}
