package io.plansync.identity.accounts;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import io.plansync.contracts.ServiceTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /admin/users/{id}/revoke-sessions}: an admin signs a user out everywhere; only an admin may. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevokeSessionsTest implements TestPropertyProvider {
    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(payment.properties(), TestAdmin.properties());
    }

    @Test
    void every_refresh_token_of_the_user_is_refused_afterwards_and_others_keep_theirs() {
        Api.TestUser user = api.newUser("stolen-laptop");
        Api.TestUser other = api.newUser("bystander");
        String phone = (String) api.login(user.email(), Api.PASSWORD).json().get("refresh_token");
        String laptop = (String) api.login(user.email(), Api.PASSWORD).json().get("refresh_token");
        String theirs = (String) api.login(other.email(), Api.PASSWORD).json().get("refresh_token");

        Reply reply = api.send(revoke(user.id(), api.adminToken()));

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertThat(reply.json()).containsEntry("userId", user.id().toString()).containsEntry("refreshTokensRevoked", 2);
        assertThat(api.refresh(phone).status()).isEqualTo(401);
        assertThat(api.refresh(laptop).status()).isEqualTo(401);
        assertThat(api.refresh(theirs).status()).as("another user's session").isEqualTo(200);
        assertThat(api.login(user.email(), Api.PASSWORD).status()).as("the user may sign in again").isEqualTo(200);
    }

    @Test
    void only_an_admin_may_and_an_unknown_user_is_404() {
        Api.TestUser user = api.newUser("target");
        assertThat(api.send(revoke(user.id(), null)).status()).isEqualTo(401);
        assertThat(api.send(revoke(user.id(), api.accessToken(user))).status()).isEqualTo(403);
        assertThat(api.send(revoke(user.id(), payment.token("users:read users:plan:write"))
                .header(ServiceTokens.HEADER_SERVICE, ServiceTokens.CLIENT_PAYMENT_SERVICE)).status()).isEqualTo(403);
        assertThat(api.send(revoke(UUID.randomUUID(), api.adminToken())).code()).isEqualTo("USER_NOT_FOUND");
    }

    private static MutableHttpRequest<?> revoke(Object userId, String token) {
        MutableHttpRequest<?> request = HttpRequest.POST("/admin/users/" + userId + "/revoke-sessions", "");
        if (token != null) {
            request.bearerAuth(token);
        }
        return request;
    }
}
