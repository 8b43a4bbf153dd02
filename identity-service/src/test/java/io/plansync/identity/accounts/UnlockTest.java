package io.plansync.identity.accounts;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.ServiceTokens;
import io.plansync.identity.Api;
import io.plansync.identity.ForgedTokens;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.LogLines;
import io.plansync.identity.PaymentServiceTokens;
import io.plansync.identity.Reply;
import io.plansync.identity.TestAdmin;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /admin/users/{id}/unlock}: an admin lifts a login lock-out at once; the log records who did it. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnlockTest implements TestPropertyProvider {
    private static final String WRONG = "not the right password";

    @RegisterExtension
    final PaymentServiceTokens payment = new PaymentServiceTokens();

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(payment.properties(), TestAdmin.properties());
    }

    @Test
    void an_admin_unlocks_a_locked_account_and_the_log_says_who() {
        Api.TestUser user = api.newUser("locked");
        for (int i = 0; i < 5; i++) {
            api.login(user.email(), WRONG);
        }
        assertThat(api.login(user.email(), Api.PASSWORD).status()).isEqualTo(429);
        String admin = api.adminToken();

        Reply reply;
        try (LogLines audit = LogLines.of(LoggerFactory.getLogger("plansync.audit"))) {
            reply = api.send(unlock(user.id(), admin));

            assertThat(audit.lines()).singleElement().asString().contains(user.id().toString())
                    .contains(ForgedTokens.claimsOf(admin).getSubject()).doesNotContain(admin);
        }

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertThat(reply.json()).containsEntry("userId", user.id().toString()).containsEntry("failuresForgotten", 5);
        assertThat(api.login(user.email(), Api.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void unlocking_an_account_that_is_not_locked_forgets_nothing() {
        Api.TestUser user = api.newUser("free");

        Reply reply = api.send(unlock(user.id(), api.adminToken()));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("failuresForgotten", 0);
    }

    @Test
    void only_an_admin_may_unlock() {
        Api.TestUser user = api.newUser("target");
        Api.TestUser plain = api.newUser("plain");

        Reply anonymous = api.send(unlock(user.id(), null));
        Reply plainUser = api.send(unlock(user.id(), api.accessToken(plain)));
        Reply service = api.send(unlock(user.id(), payment.token("users:read users:plan:write"))
                .header(ServiceTokens.HEADER_SERVICE, ServiceTokens.CLIENT_PAYMENT_SERVICE));

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(plainUser.status()).isEqualTo(403);
        assertThat(plainUser.code()).isEqualTo("FORBIDDEN");
        assertThat(service.status()).isEqualTo(403);
    }

    @Test
    void an_unknown_user_is_404() {
        String admin = api.adminToken();

        assertThat(api.send(unlock(UUID.randomUUID(), admin)).code()).isEqualTo("USER_NOT_FOUND");
        assertThat(api.send(unlock("not-a-uuid", admin)).status()).isEqualTo(404);
    }

    private static MutableHttpRequest<?> unlock(Object userId, String token) {
        MutableHttpRequest<?> request = HttpRequest.POST("/admin/users/" + userId + "/unlock", "");
        if (token != null) {
            request.bearerAuth(token);
        }
        return request;
    }
}
