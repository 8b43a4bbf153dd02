package io.plansync.identity.accounts;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpHeaders;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.Concurrently;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import io.plansync.identity.SecondInstance;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /auth/login}: the token pair, failures that tell nothing, and the lock-out kept in PostgreSQL. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginTest implements TestPropertyProvider {
    private static final String WRONG = "not the right password";
    private static final Duration WINDOW = Duration.ofMinutes(10);

    private final TestDatabases.Database database = TestDatabases.fresh("identity");
    private Map<String, String> properties;

    @Inject
    Api api;

    @Inject
    MeterRegistry metrics;

    @Override
    public Map<String, String> getProperties() {
        // A long wait for a hashing turn: the race below must end in verdicts, not in 503s.
        properties = IdentityTestProperties.of(database, Map.of("identity.login.window", "10m",
                "identity.passwords.max-wait", "30s"));
        return properties;
    }

    @Test
    void the_right_password_answers_a_bearer_token_pair() {
        Api.TestUser user = api.newUser("login");

        Reply reply = api.login(user.email(), Api.PASSWORD);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsOnlyKeys("access_token", "token_type", "expires_in", "refresh_token")
                .containsEntry("token_type", "Bearer");
        assertThat(((Number) reply.json().get("expires_in")).longValue()).isEqualTo(900);
        assertThat((String) reply.json().get("access_token")).isNotBlank();
        assertThat((String) reply.json().get("refresh_token")).isNotBlank();
    }

    @Test
    void the_email_is_matched_whatever_its_case() {
        Api.TestUser user = api.newUser("case");

        assertThat(api.login(user.email().toUpperCase(Locale.ROOT), Api.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void an_unknown_email_and_a_wrong_password_fail_alike() {
        Api.TestUser user = api.newUser("alike");

        Reply wrongPassword = api.login(user.email(), WRONG);
        Reply unknownEmail = api.login("nobody-" + user.email(), Api.PASSWORD);

        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownEmail.status()).isEqualTo(401);
        assertThat(wrongPassword.code()).isEqualTo("AUTH_INVALID");
        assertThat(unknownEmail.json()).isEqualTo(wrongPassword.json());
        assertThat(wrongPassword.body()).doesNotContain(WRONG).doesNotContain(user.email());
    }

    @Test
    void five_failed_logins_lock_the_email_even_for_the_right_password() {
        Api.TestUser user = api.newUser("locked");

        failFiveTimes(user.email());
        Reply locked = api.login(user.email(), Api.PASSWORD);

        assertRateLimited(locked);
    }

    @Test
    void four_failed_logins_do_not_lock() {
        Api.TestUser user = api.newUser("four");

        for (int i = 0; i < 4; i++) {
            assertThat(api.login(user.email(), WRONG).status()).isEqualTo(401);
        }

        assertThat(api.login(user.email(), Api.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void a_locked_email_does_not_lock_another() {
        Api.TestUser locked = api.newUser("locked-one");
        Api.TestUser other = api.newUser("other-one");

        failFiveTimes(locked.email());

        assertRateLimited(api.login(locked.email(), Api.PASSWORD));
        assertThat(api.login(other.email(), Api.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void the_case_of_the_email_does_not_escape_the_lock() {
        Api.TestUser user = api.newUser("case-lock");

        failFiveTimes(user.email());

        assertRateLimited(api.login(user.email().toUpperCase(Locale.ROOT), Api.PASSWORD));
    }

    @Test
    void a_successful_login_forgets_earlier_failures() {
        Api.TestUser user = api.newUser("forgets");
        for (int i = 0; i < 4; i++) {
            api.login(user.email(), WRONG);
        }
        assertThat(api.login(user.email(), Api.PASSWORD).status()).isEqualTo(200);

        for (int i = 0; i < 4; i++) {
            assertThat(api.login(user.email(), WRONG).status()).isEqualTo(401);
        }

        assertThat(api.login(user.email(), Api.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void the_lock_out_is_kept_in_postgresql_so_another_instance_enforces_it() {
        Api.TestUser user = api.newUser("replica");
        failFiveTimes(user.email());

        try (SecondInstance replica = new SecondInstance(properties)) {
            assertRateLimited(replica.api().login(user.email(), Api.PASSWORD));
        }
    }

    @Test
    void failures_recorded_in_the_database_within_the_window_lock_the_email() throws SQLException {
        Api.TestUser user = api.newUser("stored");
        recordFailures(user.email(), 5, Instant.now().minus(WINDOW).plusSeconds(60));

        Reply locked = api.login(user.email(), Api.PASSWORD);

        assertRateLimited(locked);
        // The lock lasts until the oldest of the five ages out of the window: about a minute here.
        assertThat(Long.parseLong(locked.header(HttpHeaders.RETRY_AFTER).orElseThrow())).isBetween(1L, 61L);
    }

    @Test
    void failures_older_than_the_window_do_not_count() throws SQLException {
        Api.TestUser user = api.newUser("aged");
        recordFailures(user.email(), 5, Instant.now().minus(WINDOW).minusSeconds(5));

        assertThat(api.login(user.email(), Api.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void fifty_concurrent_wrong_passwords_for_one_email_get_five_verdicts_and_the_rest_429() throws Exception {
        Api.TestUser user = api.newUser("race");

        List<Reply> replies = Concurrently.run(50, () -> api.login(user.email(), WRONG));

        assertThat(replies).extracting(Reply::status).containsOnly(401, 429);
        assertThat(replies).filteredOn(reply -> reply.status() == 401).hasSize(5);
        replies.stream().filter(reply -> reply.status() == 429).forEach(LoginTest::assertRateLimited);
        assertThat(recordedFailures(user.email())).isEqualTo(5);
    }

    @Test
    void an_email_that_is_not_an_address_fails_like_any_login_and_is_never_recorded() throws SQLException {
        Api.TestUser user = api.newUser("not-an-address");
        Reply wrongPassword = api.login(user.email(), WRONG);
        List<String> notAddresses = List.of("a".repeat(10_000) + "@example.com", "not-an-email",
                "nul\u0000@example.com", "two@@example.com", "x".repeat(300));

        for (String email : notAddresses) {
            Reply reply = api.login(email, WRONG);

            assertThat(reply.status()).as("%.40s", email).isEqualTo(401);
            assertThat(reply.json()).isEqualTo(wrongPassword.json());
            assertThat(recordedFailures(email)).isZero();
        }
    }

    @Test
    void every_failed_login_costs_one_password_check_whatever_failed() {
        Api.TestUser user = api.newUser("same-work");
        Map<String, String> failures = new java.util.LinkedHashMap<>();
        failures.put("wrong password", user.email());
        failures.put("unknown email", "nobody-" + user.email());
        failures.put("not an address", "not-an-address");
        failures.put("a password too long to be anyone's", user.email());

        for (Map.Entry<String, String> failure : failures.entrySet()) {
            String password = failure.getKey().startsWith("a password too long") ? Api.PASSWORD + "x".repeat(300)
                    : WRONG;
            long before = passwordChecks();

            assertThat(api.login(failure.getValue(), password).status()).as(failure.getKey()).isEqualTo(401);

            assertThat(passwordChecks() - before).as(failure.getKey()).isEqualTo(1);
        }
    }

    private long passwordChecks() {
        return metrics.get("plansync.password.hashes").tag("operation", "check").timer().count();
    }

    private long recordedFailures(String email) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select count(*) from login_failures where email = ?")) {
            select.setString(1, email.replace("\u0000", ""));
            try (java.sql.ResultSet count = select.executeQuery()) {
                count.next();
                return count.getLong(1);
            }
        }
    }

    private void failFiveTimes(String email) {
        for (int i = 0; i < 5; i++) {
            Reply failed = api.login(email, WRONG);
            assertThat(failed.status()).as("failure %d", i + 1).isEqualTo(401);
        }
    }

    private static void assertRateLimited(Reply reply) {
        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.code()).isEqualTo("RATE_LIMITED");
        assertThat(reply.json()).doesNotContainKey("access_token");
        String retryAfter = reply.header(HttpHeaders.RETRY_AFTER).orElseThrow();
        assertThat(retryAfter).matches("[0-9]+");
        assertThat(Long.parseLong(retryAfter)).isPositive().isLessThanOrEqualTo(WINDOW.toSeconds());
    }

    private void recordFailures(String email, int count, Instant at) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement insert = connection.prepareStatement(
                     "insert into login_failures (email, failed_at) values (?, ?)")) {
            for (int i = 0; i < count; i++) {
                insert.setString(1, email);
                insert.setTimestamp(2, Timestamp.from(at.plusMillis(i)));
                insert.executeUpdate();
            }
        }
    }
}
