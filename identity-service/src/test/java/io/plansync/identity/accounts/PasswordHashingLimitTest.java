package io.plansync.identity.accounts;

import io.micronaut.http.HttpHeaders;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password hashing is bounded (one at a time here): while every turn is taken, login and registration answer 503
 * SERVICE_BUSY with Retry-After at once, and such a login counts against neither the account nor the address.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PasswordHashingLimitTest implements TestPropertyProvider {
    private final TestDatabases.Database database = TestDatabases.fresh("identity");

    @Inject
    Api api;

    @Inject
    PasswordHasher passwords;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.of(database, Map.of(
                "identity.passwords.max-concurrent", "1",
                "identity.passwords.max-wait", "50ms",
                "identity.rate-limits.failed-logins", "1"));
    }

    @Test
    void while_every_turn_is_taken_login_and_register_answer_503_with_retry_after() throws SQLException {
        Api.TestUser user = api.newUser("busy");

        Reply login;
        Reply register;
        try (PasswordHasher.Turn taken = passwords.turn()) {
            login = api.login(user.email(), "not the right password");
            register = api.send(io.micronaut.http.HttpRequest.POST("/auth/register",
                    Map.of("email", "new-" + UUID.randomUUID() + "@example.com", "password", Api.PASSWORD)));
        }

        assertBusy(login);
        assertBusy(register);
        assertThat(recordedFailures(user.email())).as("not counted against the account").isZero();
        // The address may fail once: the busy answer did not use that up.
        assertThat(api.login(user.email(), "not the right password").status()).isEqualTo(401);
        assertThat(api.login(user.email(), "not the right password").status()).isEqualTo(429);
    }

    private static void assertBusy(Reply reply) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(503);
        assertThat(reply.code()).isEqualTo("SERVICE_BUSY");
        assertThat(reply.contentType()).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(reply.header(HttpHeaders.RETRY_AFTER)).hasValue("1");
    }

    private long recordedFailures(String email) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(
                     "select count(*) from login_failures where email = ?")) {
            select.setString(1, email);
            try (ResultSet count = select.executeQuery()) {
                count.next();
                return count.getLong(1);
            }
        }
    }
}
