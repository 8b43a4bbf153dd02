package io.plansync.identity.accounts;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.Concurrently;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /auth/refresh}: single-use refresh tokens, rotated within a family that dies on reuse. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefreshTest implements TestPropertyProvider {

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase();
    }

    @Test
    void a_refresh_token_buys_a_new_pair_that_works() {
        Api.TestUser user = api.newUser("refresh");
        Map<String, Object> first = loginPair(user);

        Reply refreshed = api.refresh(refreshToken(first));

        assertThat(refreshed.status()).isEqualTo(200);
        Map<String, Object> second = refreshed.json();
        assertThat(second).containsOnlyKeys("access_token", "token_type", "expires_in", "refresh_token")
                .containsEntry("token_type", "Bearer");
        assertThat(refreshToken(second)).isNotBlank().isNotEqualTo(refreshToken(first));
        assertThat(second.get("access_token")).isNotEqualTo(first.get("access_token"));
        Reply me = api.get("/users/me", (String) second.get("access_token"));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json()).containsEntry("id", user.id().toString());
        // The rotated token is itself good for one more rotation.
        assertThat(api.refresh(refreshToken(second)).status()).isEqualTo(200);
    }

    @Test
    void a_used_refresh_token_is_refused_and_revokes_its_whole_family() {
        Api.TestUser user = api.newUser("reuse");
        String first = refreshToken(loginPair(user));
        String second = refreshToken(api.refresh(first).json());

        Reply reused = api.refresh(first);

        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.code()).isEqualTo("REFRESH_TOKEN_INVALID");
        // The newest token of that family was never used, yet it died with the reuse.
        Reply newest = api.refresh(second);
        assertThat(newest.status()).isEqualTo(401);
        assertThat(newest.code()).isEqualTo("REFRESH_TOKEN_INVALID");
    }

    @Test
    void a_refresh_token_presented_many_times_at_once_buys_one_pair() throws Exception {
        String token = refreshToken(loginPair(api.newUser("race")));

        List<Reply> replies = Concurrently.run(6, () -> api.refresh(token));

        assertThat(replies).extracting(Reply::status).containsOnlyOnce(200).containsOnly(200, 401);
        // Whatever the interleaving, the reuse revoked the family: the pair that was bought is dead too.
        Reply winner = replies.stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
        assertThat(api.refresh(refreshToken(winner.json())).status()).isEqualTo(401);
    }

    @Test
    void reuse_in_one_family_leaves_the_users_other_sessions_alone() {
        Api.TestUser user = api.newUser("families");
        String laptop = refreshToken(loginPair(user));
        String phone = refreshToken(loginPair(user));
        api.refresh(laptop);

        assertThat(api.refresh(laptop).status()).isEqualTo(401);

        assertThat(api.refresh(phone).status()).isEqualTo(200);
    }

    @Test
    void an_unknown_refresh_token_is_refused() {
        String unknown = "bm90LWEtcmVmcmVzaC10b2tlbi1pc3N1ZWQtYnktdXM";

        Reply reply = api.refresh(unknown);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("REFRESH_TOKEN_INVALID");
        assertThat(reply.body()).doesNotContain(unknown);
    }

    @Test
    void an_access_token_is_not_a_refresh_token() {
        Map<String, Object> pair = loginPair(api.newUser("access-as-refresh"));

        Reply reply = api.refresh((String) pair.get("access_token"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("REFRESH_TOKEN_INVALID");
    }

    private Map<String, Object> loginPair(Api.TestUser user) {
        Reply reply = api.login(user.email(), Api.PASSWORD);
        assertThat(reply.status()).isEqualTo(200);
        return reply.json();
    }

    private static String refreshToken(Map<String, Object> pair) {
        return (String) pair.get("refresh_token");
    }
}
