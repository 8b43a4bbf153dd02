package io.plansync.identity.limits;

import io.plansync.support.limits.Verdict;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import io.plansync.identity.SecondInstance;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every /auth/* request counts against its client address's limit (3 an hour here), kept in PostgreSQL so that
 * replicas share it. Requests come through a trusted proxy on 127.0.0.1, so each test names its own client in
 * X-Forwarded-For.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthRateLimitTest implements TestPropertyProvider {
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final TestDatabases.Database database = TestDatabases.fresh("identity");
    private Map<String, String> properties;

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        properties = IdentityTestProperties.of(database, Map.of(
                "identity.rate-limits.auth-requests", "3",
                "identity.rate-limits.auth-requests-period", "1h",
                "identity.rate-limits.trusted-proxies", "127.0.0.1"));
        return properties;
    }

    @Test
    void every_auth_answer_says_where_the_limit_stands_and_the_fourth_request_is_429() {
        String client = "203.0.113.10";

        Reply registered = api.send(register(newEmail()).header(FORWARDED_FOR, client));
        Reply failedLogin = api.send(login(newEmail(), "not the password").header(FORWARDED_FOR, client));
        Reply failedRefresh = api.send(HttpRequest.POST("/auth/refresh", Map.of("refresh_token", "nope"))
                .header(FORWARDED_FOR, client));
        Reply refused = api.send(login(newEmail(), Api.PASSWORD).header(FORWARDED_FOR, client));

        assertThat(registered.status()).isEqualTo(201);
        assertThat(failedLogin.status()).isEqualTo(401);
        assertThat(failedRefresh.status()).isEqualTo(401);
        assertLimitHeaders(registered, 2);
        assertLimitHeaders(failedLogin, 1);
        assertLimitHeaders(failedRefresh, 0);
        assertRateLimited(refused);
    }

    @Test
    void each_client_address_has_a_limit_of_its_own() {
        exhaust("203.0.113.20");

        Reply other = api.send(register(newEmail()).header(FORWARDED_FOR, "203.0.113.21"));

        assertThat(other.status()).isEqualTo(201);
        assertLimitHeaders(other, 2);
    }

    @Test
    void replicas_share_one_count() {
        exhaust("203.0.113.30");

        try (SecondInstance replica = new SecondInstance(properties)) {
            assertRateLimited(replica.api().send(register(newEmail()).header(FORWARDED_FOR, "203.0.113.30")));
        }
    }

    @Test
    void only_the_hop_the_trusted_proxy_saw_counts_whatever_the_client_wrote_before_it() {
        for (int i = 0; i < 3; i++) {
            // The client can put anything left of the proxy's entry; the proxy appends the address it saw.
            Reply reply = api.send(register(newEmail()).header(FORWARDED_FOR, "198.51.100." + i + ", 203.0.113.40"));
            assertThat(reply.status()).isEqualTo(201);
        }

        assertRateLimited(api.send(register(newEmail()).header(FORWARDED_FOR, "198.51.100.99, 203.0.113.40")));
    }

    @Test
    void without_a_trusted_proxy_x_forwarded_for_is_ignored() {
        Map<String, String> untrusting = new HashMap<>(properties);
        untrusting.put("identity.rate-limits.trusted-proxies", "");
        try (SecondInstance direct = new SecondInstance(untrusting)) {
            for (int i = 0; i < 3; i++) {
                assertThat(direct.api().send(register(newEmail()).header(FORWARDED_FOR, "192.0.2." + i)).status())
                        .isEqualTo(201);
            }

            // Every one of them came from 127.0.0.1, whatever the header claimed.
            assertRateLimited(direct.api().send(register(newEmail()).header(FORWARDED_FOR, "192.0.2.99")));
        }
    }

    private void exhaust(String client) {
        for (int i = 0; i < 3; i++) {
            assertThat(api.send(register(newEmail()).header(FORWARDED_FOR, client)).status()).isEqualTo(201);
        }
    }

    private static void assertLimitHeaders(Reply reply, int remaining) {
        assertThat(reply.header(Verdict.LIMIT)).as("%s", reply).hasValue("3");
        assertThat(reply.header(Verdict.REMAINING)).hasValue(Integer.toString(remaining));
        // Seconds until the bucket is full again: one token every 20 minutes.
        assertThat(Long.parseLong(reply.header(Verdict.RESET).orElseThrow())).isBetween(1L, 3600L);
    }

    private static void assertRateLimited(Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(429);
        assertThat(reply.code()).isEqualTo("RATE_LIMITED");
        assertThat(reply.contentType()).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(Long.parseLong(reply.header(HttpHeaders.RETRY_AFTER).orElseThrow())).isBetween(1L, 1200L);
        assertThat(reply.header(Verdict.LIMIT)).hasValue("3");
        assertThat(reply.header(Verdict.REMAINING)).hasValue("0");
        assertThat(reply.header(Verdict.RESET)).isPresent();
    }

    private static MutableHttpRequest<?> register(String email) {
        return HttpRequest.POST("/auth/register", Map.of("email", email, "password", Api.PASSWORD));
    }

    private static MutableHttpRequest<?> login(String email, String password) {
        return HttpRequest.POST("/auth/login", Map.of("email", email, "password", password));
    }

    private static String newEmail() {
        return "limited-" + UUID.randomUUID() + "@example.com";
    }
}
