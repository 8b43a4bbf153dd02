package io.plansync.identity.accounts;

import io.micronaut.http.HttpHeaders;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentitySigningKey;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /users/me} and {@code GET /admin/users/{id}}: who may read which user. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserEndpointsTest implements TestPropertyProvider {
    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    private final IdentitySigningKey signingKey = new IdentitySigningKey();

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(payment.properties(), signingKey.properties(),
                TestAdmin.properties());
    }

    @Test
    void me_shows_the_callers_own_account() {
        Api.TestUser user = api.newUser("me");
        api.newUser("someone-else");

        Reply reply = api.get("/users/me", api.accessToken(user));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json())
                .containsOnlyKeys("id", "email", "plan", "status", "validUntil", "entitlements", "updatedAt")
                .containsEntry("validUntil", null)
                .containsEntry("entitlements", List.of())
                .containsEntry("id", user.id().toString())
                .containsEntry("email", user.email())
                .containsEntry("plan", "free")
                .containsEntry("status", "active");
        assertThat(Instant.parse((String) reply.json().get("updatedAt")))
                .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    }

    @Test
    void me_without_a_token_is_401_with_www_authenticate_bearer() {
        Reply reply = api.get("/users/me", null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_INVALID");
        assertThat(reply.header(HttpHeaders.WWW_AUTHENTICATE)).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
    }

    @Test
    void an_admin_reads_any_user() {
        Api.TestUser user = api.newUser("read-by-admin");

        Reply reply = api.get("/admin/users/" + user.id(), api.adminToken());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("id", user.id().toString()).containsEntry("email", user.email())
                .containsEntry("plan", "free");
    }

    @Test
    void a_super_admin_reads_any_user_but_an_operator_may_not() {
        Api.TestUser reader = api.newUser("reader");
        Api.TestUser user = api.newUser("read-by-role");

        Reply superAdmin = api.get("/admin/users/" + user.id(),
                signingKey.sign(signingKey.claims(reader.id(), "user", "super_admin").build()));
        Reply operator = api.get("/admin/users/" + user.id(),
                signingKey.sign(signingKey.claims(reader.id(), "user", "operator").build()));

        assertThat(superAdmin.status()).isEqualTo(200);
        assertThat(superAdmin.json()).containsEntry("id", user.id().toString());
        assertThat(operator.status()).isEqualTo(403);
        assertThat(operator.code()).isEqualTo("FORBIDDEN");
    }

    @Test
    void a_plain_user_may_not_read_users_not_even_itself() {
        Api.TestUser user = api.newUser("plain");
        Api.TestUser other = api.newUser("plain-other");
        String token = api.accessToken(user);

        Reply otherUser = api.get("/admin/users/" + other.id(), token);
        Reply itself = api.get("/admin/users/" + user.id(), token);

        assertThat(otherUser.status()).isEqualTo(403);
        assertThat(otherUser.code()).isEqualTo("FORBIDDEN");
        assertThat(otherUser.json()).doesNotContainKey("email");
        assertThat(itself.status()).isEqualTo(403);
    }

    @Test
    void a_service_token_with_users_read_reads_a_user() {
        Api.TestUser user = api.newUser("read-by-service");

        Reply reply = api.getAsService("/admin/users/" + user.id(), payment.token("users:read"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("id", user.id().toString());
    }

    @Test
    void a_service_token_with_only_users_plan_write_may_not_read() {
        Api.TestUser user = api.newUser("write-only");

        Reply reply = api.getAsService("/admin/users/" + user.id(), payment.token("users:plan:write"));

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(reply.json()).doesNotContainKey("email");
    }

    @Test
    void an_unknown_id_is_404_user_not_found() {
        String token = api.adminToken();

        Reply unknown = api.get("/admin/users/" + UUID.randomUUID(), token);
        Reply notAnId = api.get("/admin/users/not-a-uuid", token);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("USER_NOT_FOUND");
        assertThat(notAnId.status()).isEqualTo(404);
        assertThat(notAnId.code()).isEqualTo("USER_NOT_FOUND");
    }

    @Test
    void reading_a_user_without_credentials_is_401() {
        Api.TestUser user = api.newUser("anonymous-read");

        Reply reply = api.get("/admin/users/" + user.id(), null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header(HttpHeaders.WWW_AUTHENTICATE)).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        assertThat(reply.json()).doesNotContainKey("email");
    }

    // --- POST /admin/users/lookup: many at once --------------------------------------------------------------

    @Test
    void a_service_with_users_read_looks_up_many_users_at_once_and_hears_which_are_missing() {
        Api.TestUser first = api.newUser("lookup-1");
        Api.TestUser second = api.newUser("lookup-2");
        String absent = UUID.randomUUID().toString();

        Reply reply = lookup(Map.of("ids", List.of(first.id().toString(), second.id().toString(), absent)),
                payment.token("users:read"));

        assertThat(reply.status()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> users = (List<Map<String, Object>>) reply.json().get("users");
        assertThat(users).extracting(u -> u.get("id")).containsExactlyInAnyOrder(first.id().toString(),
                second.id().toString());
        assertThat(users).allSatisfy(u -> assertThat(u).containsOnlyKeys("id", "email", "plan", "status",
                "validUntil", "entitlements", "updatedAt"));
        assertThat(reply.json()).containsEntry("missing", List.of(absent));
    }

    @Test
    void a_lookup_needs_users_read_and_at_most_a_thousand_real_ids() {
        Api.TestUser user = api.newUser("lookup-refused");
        Map<String, Object> one = Map.of("ids", List.of(user.id().toString()));

        assertThat(lookup(one, payment.token("users:plan:write")).status()).isEqualTo(403);
        assertThat(lookupAsUser(one, api.accessToken(user)).status()).isEqualTo(403);
        assertThat(lookupAsUser(one, null).status()).isEqualTo(401);
        assertThat(lookupAsUser(one, api.adminToken()).status()).as("an admin reads users too").isEqualTo(200);

        String service = payment.token("users:read");
        Reply none = lookup(Map.of("ids", List.of()), service);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.code()).isEqualTo("VALIDATION_FAILED");
        List<String> tooMany = java.util.stream.Stream.generate(() -> UUID.randomUUID().toString()).limit(1001)
                .toList();
        assertThat(lookup(Map.of("ids", tooMany), payment.token("users:read")).status()).isEqualTo(400);
        Reply notIds = lookup(Map.of("ids", List.of(user.id().toString(), "not-a-uuid")), payment.token("users:read"));
        assertThat(notIds.status()).isEqualTo(400);
        assertThat(notIds.body()).contains("ids[1]").doesNotContain("not-a-uuid");
    }

    /** As payment-service calls it: a service token and X-Service. */
    private Reply lookup(Object body, String serviceToken) {
        return api.send(io.micronaut.http.HttpRequest.POST("/admin/users/lookup", body)
                .contentType(io.micronaut.http.MediaType.APPLICATION_JSON).bearerAuth(serviceToken)
                .header(io.plansync.contracts.ServiceTokens.HEADER_SERVICE,
                        io.plansync.contracts.ServiceTokens.CLIENT_PAYMENT_SERVICE));
    }

    private Reply lookupAsUser(Object body, String userToken) {
        var request = io.micronaut.http.HttpRequest.POST("/admin/users/lookup", body)
                .contentType(io.micronaut.http.MediaType.APPLICATION_JSON);
        if (userToken != null) {
            request.bearerAuth(userToken);
        }
        return api.send(request);
    }
}
