package io.plansync.identity.tokens;

import com.nimbusds.jwt.SignedJWT;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * identity-service's generated signing keys through the admin endpoints: a scheduled rotation publishes the next key
 * before it signs; an emergency one (a leaked key) signs with a new key at once and refuses every token of the old.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SigningKeyAdminTest implements TestPropertyProvider {
    @Inject
    @Client("/")
    HttpClient client;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(TestAdmin.properties());
    }

    @Test
    void a_scheduled_rotation_publishes_first_and_an_emergency_one_refuses_the_old_keys_tokens_at_once()
            throws Exception {
        Api api = new Api(client);
        String admin = api.adminToken();
        String oldKid = kid(admin);
        Api.TestUser user = api.newUser("rotation");
        String userToken = api.accessToken(user);
        assertThat(kid(userToken)).isEqualTo(oldKid);

        Reply listed = api.get("/admin/signing-keys", admin);
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(listed.body()).contains("\"kid\":\"" + oldKid + "\"").contains("\"state\":\"current\"");
        assertThat(api.get("/admin/signing-keys", userToken).status()).as("not for users").isEqualTo(403);

        Reply scheduled = api.send(HttpRequest.POST("/admin/signing-keys/rotate", "").bearerAuth(admin));
        assertThat(scheduled.status()).as(scheduled.toString()).isEqualTo(200);
        assertThat(scheduled.body()).contains("\"state\":\"pending\"");
        String jwks = api.get("/.well-known/jwks.json", null).body();
        assertThat(jwks).as("the next key is published before it signs").contains(oldKid);
        assertThat(jwks.split("\"kid\"")).as(jwks + " after " + scheduled.body()).hasSize(3);
        assertThat(kid(api.accessToken(user))).as("the old key still signs").isEqualTo(oldKid);
        assertThat(api.send(HttpRequest.POST("/admin/signing-keys/rotate", "").bearerAuth(admin)).status())
                .as("one rotation at a time").isEqualTo(409);

        Reply emergency = api.send(HttpRequest.POST("/admin/signing-keys/rotate?now=true", "").bearerAuth(admin));
        assertThat(emergency.status()).as(emergency.toString()).isEqualTo(200);
        assertThat(api.get("/users/me", userToken).status()).as("a token of the retired key").isEqualTo(401);
        assertThat(api.get("/.well-known/jwks.json", null).body()).doesNotContain(oldKid);
        String fresh = api.accessToken(user);
        assertThat(kid(fresh)).isNotEqualTo(oldKid);
        assertThat(api.get("/users/me", fresh).status()).isEqualTo(200);
        assertThat(api.get("/admin/signing-keys", api.adminToken()).body()).contains("\"state\":\"retired\"");
    }

    private static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }
}
