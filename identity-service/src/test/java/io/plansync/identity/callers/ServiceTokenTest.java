package io.plansync.identity.callers;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.ECKey;
import io.micronaut.http.HttpHeaders;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.Concurrently;
import io.plansync.identity.ForgedTokens;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import io.plansync.identity.accounts.UserRepository;
import io.plansync.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service tokens from payment-service on {@code PUT /admin/users/{id}/plan}. The test plays payment-service: it
 * publishes its own key on a real JWKS endpoint and signs tokens. A good token is accepted; every other token here
 * differs from a good one in exactly one way and is refused, leaving the plan untouched.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceTokenTest implements TestPropertyProvider {
    private static final String WRITE = "users:plan:write";

    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    @Inject
    Api api;

    @Inject
    UserRepository users;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(payment.properties(), TestAdmin.properties());
    }

    @Test
    void a_good_service_token_changes_the_plan() {
        UUID user = target();

        Reply reply = api.putPlanAsService(user, pro(), payment.token(WRITE));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("applied", true).containsEntry("plan", "pro");
        assertThat(planOf(user)).isEqualTo("pro");
    }

    @Test
    void the_x_service_header_may_be_left_out() {
        UUID user = target();

        Reply reply = api.putPlan(user, pro(), payment.token(WRITE));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(planOf(user)).isEqualTo("pro");
    }

    @Test
    void a_token_expired_within_the_30_second_skew_is_still_accepted() {
        Instant now = Instant.now();
        UUID user = target();

        Reply reply = api.putPlanAsService(user, pro(), payment.sign(payment.claims(WRITE)
                .issueTime(Date.from(now.minusSeconds(70))).expirationTime(Date.from(now.minusSeconds(10))).build()));

        assertThat(reply.status()).isEqualTo(200);
    }

    @Test
    void a_lifetime_of_exactly_300_seconds_is_accepted() {
        Instant now = Instant.now();
        UUID user = target();

        Reply reply = api.putPlanAsService(user, pro(), payment.sign(payment.claims(WRITE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build()));

        assertThat(reply.status()).isEqualTo(200);
    }

    @Test
    void an_audience_list_that_contains_identity_service_is_accepted() {
        UUID user = target();

        Reply reply = api.putPlanAsService(user, pro(), payment.sign(payment.claims(WRITE)
                .audience(List.of("billing", "identity-service")).build()));

        assertThat(reply.status()).isEqualTo(200);
    }

    // --- refused with 401 AUTH_SERVICE_TOKEN_INVALID ---

    @Test
    void an_unsigned_alg_none_token_is_refused() {
        assertRefused(ForgedTokens.unsigned(payment.claims(WRITE).build()));
    }

    @Test
    void an_unsigned_alg_none_token_is_refused_even_without_x_service() {
        UUID user = target();
        String token = ForgedTokens.unsigned(payment.claims(WRITE).build());

        Reply reply = api.putPlan(user, pro(), token);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
        assertThat(planOf(user)).isEqualTo("free");
    }

    @Test
    void an_hs256_token_is_refused() {
        assertRefused(ForgedTokens.hs256(payment.key().getKeyID(), JOSEObjectType.JWT, payment.claims(WRITE).build()));
    }

    @Test
    void an_rs256_token_is_refused() {
        assertRefused(ForgedTokens.rs256(payment.key().getKeyID(), JOSEObjectType.JWT, payment.claims(WRITE).build()));
    }

    @Test
    void a_token_with_an_unknown_kid_is_refused() {
        assertRefused(payment.tokenWithUnknownKid(WRITE));
    }

    @Test
    void a_token_signed_by_a_key_that_is_not_published_is_refused() {
        // Another key, presenting the kid of the published one.
        ECKey impostor = new ECKey.Builder(TestKeys.newKey()).keyID(payment.key().getKeyID()).build();

        assertRefused(PaymentServiceTokens.sign(impostor, payment.claims(WRITE).build()));
    }

    @Test
    void a_token_with_a_tampered_payload_is_refused() {
        String genuine = payment.token("users:read");

        assertRefused(ForgedTokens.withPayload(genuine, payment.claims(WRITE).build()));
    }

    @Test
    void a_token_from_another_issuer_is_refused() {
        assertRefused(payment.sign(payment.claims(WRITE).issuer("other-service").subject("other-service").build()));
    }

    @Test
    void a_token_whose_subject_is_not_its_issuer_is_refused() {
        assertRefused(payment.sign(payment.claims(WRITE).subject("someone-else").build()));
    }

    @Test
    void a_token_not_meant_for_identity_service_is_refused() {
        assertRefused(payment.sign(payment.claims(WRITE).audience(List.of("payment-service", "billing")).build()));
    }

    @Test
    void a_token_expired_beyond_the_skew_is_refused() {
        Instant now = Instant.now();
        assertRefused(payment.sign(payment.claims(WRITE)
                .issueTime(Date.from(now.minusSeconds(120))).expirationTime(Date.from(now.minusSeconds(60))).build()));
    }

    @Test
    void a_token_issued_in_the_future_is_refused() {
        Instant now = Instant.now();
        assertRefused(payment.sign(payment.claims(WRITE)
                .issueTime(Date.from(now.plusSeconds(60))).expirationTime(Date.from(now.plusSeconds(120))).build()));
    }

    @Test
    void a_token_not_yet_valid_is_refused() {
        assertRefused(payment.sign(payment.claims(WRITE).notBeforeTime(Date.from(Instant.now().plusSeconds(60))).build()));
    }

    @Test
    void a_token_living_longer_than_300_seconds_is_refused() {
        Instant now = Instant.now();
        assertRefused(payment.sign(payment.claims(WRITE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(301))).build()));
    }

    @Test
    void a_token_without_exp_is_refused() {
        assertRefused(payment.sign(payment.claims(WRITE).expirationTime(null).build()));
    }

    @Test
    void a_token_without_iat_is_refused() {
        assertRefused(payment.sign(payment.claims(WRITE).issueTime(null).build()));
    }

    @Test
    void a_token_without_jti_is_refused() {
        assertRefused(payment.sign(payment.claims(WRITE).jwtID(null).build()));
    }

    @Test
    void a_token_typed_as_a_user_access_token_is_refused() {
        assertRefused(TestKeys.sign(payment.key(), new JOSEObjectType("at+jwt"), payment.claims(WRITE).build()));
    }

    @Test
    void a_replayed_token_is_refused() {
        UUID user = target();
        String token = payment.token(WRITE);
        assertThat(api.putPlanAsService(user, pro(), token).status()).isEqualTo(200);

        Reply replay = api.putPlanAsService(user, planChange("enterprise", "2030-01-01T00:00:00Z"), token);

        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
        assertThat(planOf(user)).isEqualTo("pro");
    }

    @Test
    void a_token_sent_many_times_at_once_is_accepted_once() throws Exception {
        UUID user = target();
        String token = payment.token(WRITE);

        List<Reply> replies = Concurrently.run(8, () -> api.putPlanAsService(user, pro(), token));

        assertThat(replies).extracting(Reply::status).containsOnlyOnce(200).containsOnly(200, 401);
    }

    @Test
    void a_jti_used_before_is_refused_in_a_new_token() {
        UUID user = target();
        String jti = UUID.randomUUID().toString();
        assertThat(api.putPlanAsService(user, pro(), payment.sign(payment.claims(WRITE).jwtID(jti).build()))
                .status()).isEqualTo(200);

        Reply reused = api.putPlanAsService(user, planChange("enterprise", "2030-01-01T00:00:00Z"),
                payment.sign(payment.claims(WRITE).jwtID(jti).build()));

        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
        assertThat(planOf(user)).isEqualTo("pro");
    }

    @Test
    void an_x_service_header_naming_another_service_is_refused() {
        UUID user = target();
        String token = payment.token(WRITE);

        Reply reply = api.send(api.planRequest(user, pro(), token).header("X-Service", "billing-service"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
        assertThat(planOf(user)).isEqualTo("free");
    }

    @Test
    void a_refusal_names_no_token_contents_and_no_stack_trace() {
        String token = payment.sign(payment.claims(WRITE).audience("elsewhere").build());

        Reply reply = api.putPlanAsService(target(), pro(), token);

        assertThat(reply.status()).isEqualTo(401);
        String[] parts = token.split("\\.");
        assertThat(reply.body()).doesNotContain(token).doesNotContain(parts[1]).doesNotContain(parts[2])
                .doesNotContain("elsewhere").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(reply.json()).containsOnlyKeys("type", "title", "status", "detail", "code", "errors")
                .containsEntry("errors", java.util.List.of());
    }

    // --- scopes: 403 INSUFFICIENT_SCOPE ---

    @Test
    void a_scope_outside_the_allowed_set_is_refused() {
        UUID user = target();

        Reply reply = api.putPlanAsService(user, pro(), payment.token("users:plan:write admin:all"));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(planOf(user)).isEqualTo("free");
    }

    @Test
    void a_token_without_the_needed_scope_is_refused() {
        UUID user = target();

        Reply reply = api.putPlanAsService(user, pro(), payment.token("users:read"));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(planOf(user)).isEqualTo("free");
    }

    @Test
    void a_token_without_any_scope_is_refused() {
        UUID user = target();

        Reply reply = api.putPlanAsService(user, pro(), payment.sign(payment.claims(WRITE).claim("scope", null).build()));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(planOf(user)).isEqualTo("free");
    }

    // --- user tokens and service tokens never pass for each other ---

    @Test
    void an_admin_user_token_sent_as_a_service_token_is_refused() {
        UUID user = target();
        String adminToken = api.adminToken();
        // The same token without X-Service is good, so the refusal is the kind of token, not the admin.
        assertThat(api.putPlan(target(), pro(), adminToken).status()).isEqualTo(200);

        Reply reply = api.putPlanAsService(user, pro(), adminToken);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
        assertThat(planOf(user)).isEqualTo("free");
    }

    @Test
    void a_service_token_is_not_accepted_as_a_user_on_users_me() {
        Reply reply = api.getAsService("/users/me", payment.token("users:read users:plan:write"));

        assertThat(reply.status()).isIn(401, 403);
        assertThat(reply.json()).doesNotContainKeys("id", "email");
    }

    private void assertRefused(String token) {
        UUID user = target();

        Reply reply = api.putPlanAsService(user, pro(), token);

        assertThat(reply.status()).as("status for a bad service token: %s", reply).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_SERVICE_TOKEN_INVALID");
        assertThat(reply.header(HttpHeaders.WWW_AUTHENTICATE)).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        assertThat(reply.body()).doesNotContain(token);
        assertThat(planOf(user)).as("plan after a refused change").isEqualTo("free");
    }

    private static Map<String, Object> pro() {
        return planChange("pro", Instant.now().toString());
    }

    private static Map<String, Object> planChange(String plan, String timestamp) {
        return Api.planChange(plan, timestamp);
    }

    private UUID target() {
        return api.newUser("target").id();
    }

    private String planOf(UUID user) {
        return users.findById(user).orElseThrow().plan();
    }
}
