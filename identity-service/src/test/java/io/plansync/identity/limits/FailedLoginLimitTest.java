package io.plansync.identity.limits;

import io.plansync.support.limits.Verdict;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One client address may fail to log in only so often (3 an hour here), whatever emails it tries: fewer than the
 * 5 that lock an account, so one address alone cannot keep someone else's account locked. Successes do not count.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedLoginLimitTest implements TestPropertyProvider {
    private static final String FORWARDED_FOR = "X-Forwarded-For";
    private static final String WRONG = "not the right password";

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(Map.of(
                "identity.rate-limits.failed-logins", "3",
                "identity.rate-limits.failed-logins-period", "1h",
                "identity.rate-limits.trusted-proxies", "127.0.0.1"));
    }

    @Test
    void an_address_that_keeps_failing_is_refused_even_with_the_right_password() {
        Api.TestUser user = api.newUser("target");
        String attacker = "203.0.113.50";
        for (int i = 0; i < 3; i++) {
            assertThat(login(attacker, "nobody-" + UUID.randomUUID() + "@example.com", WRONG).status()).isEqualTo(401);
        }

        Reply refused = login(attacker, user.email(), Api.PASSWORD);

        assertThat(refused.status()).as("%s", refused).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("RATE_LIMITED");
        assertThat(refused.json()).doesNotContainKey("access_token");
        // One failure comes back every 20 minutes; the headers describe this limit, the one that refused.
        assertThat(Long.parseLong(refused.header(HttpHeaders.RETRY_AFTER).orElseThrow())).isBetween(1L, 1200L);
        assertThat(refused.header(Verdict.LIMIT)).hasValue("3");
        assertThat(refused.header(Verdict.REMAINING)).hasValue("0");
        assertThat(login("203.0.113.51", user.email(), Api.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void successful_logins_do_not_count_against_the_address() {
        Api.TestUser user = api.newUser("regular");
        String office = "203.0.113.60";
        for (int i = 0; i < 5; i++) {
            assertThat(login(office, user.email(), Api.PASSWORD).status()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(login(office, user.email(), WRONG).status()).isEqualTo(401);
        }

        assertThat(login(office, user.email(), WRONG).status()).isEqualTo(429);
    }

    @Test
    void one_address_cannot_lock_an_account_it_does_not_own() {
        Api.TestUser victim = api.newUser("victim");
        String attacker = "203.0.113.70";
        for (int i = 0; i < 10; i++) {
            login(attacker, victim.email(), WRONG);
        }

        // Only 3 of the 10 were checked: short of the 5 that lock the account.
        assertThat(login("198.51.100.7", victim.email(), Api.PASSWORD).status()).isEqualTo(200);
    }

    private Reply login(String client, String email, String password) {
        return api.send(HttpRequest.POST("/auth/login", Map.of("email", email, "password", password))
                .header(FORWARDED_FOR, client));
    }
}
