package io.plansync.identity.accounts;

import com.nimbusds.jwt.SignedJWT;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.SecondInstance;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** identity.bootstrap-admin.*: on start, the configured admin exists and holds the admin role, idempotently. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootstrapAdminTest implements TestPropertyProvider {
    private static final String ADMIN_EMAIL = "root@plansync.test";
    private static final String ADMIN_PASSWORD = "bootstrap admin password";

    private final TestDatabases.Database database = TestDatabases.fresh("identity");
    private Map<String, String> properties;

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        // Configured in mixed case: the account is stored under the normalised email.
        properties = IdentityTestProperties.of(database, Map.of(
                "identity.bootstrap-admin.email", "Root@PlanSync.test",
                "identity.bootstrap-admin.password", ADMIN_PASSWORD));
        return properties;
    }

    @Test
    void the_bootstrap_admin_logs_in_with_the_admin_role() throws Exception {
        String token = api.accessToken(ADMIN_EMAIL, ADMIN_PASSWORD);

        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("roles")).contains("admin");
        assertThat(rowsFor(ADMIN_EMAIL)).containsExactly("user admin");
    }

    @Test
    void starting_again_on_the_same_database_changes_nothing() throws Exception {
        String idBefore = SignedJWT.parse(api.accessToken(ADMIN_EMAIL, ADMIN_PASSWORD)).getJWTClaimsSet().getSubject();

        try (SecondInstance restarted = new SecondInstance(properties)) {
            String token = restarted.api().accessToken(ADMIN_EMAIL, ADMIN_PASSWORD);
            assertThat(SignedJWT.parse(token).getJWTClaimsSet().getSubject()).isEqualTo(idBefore);
            assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("roles"))
                    .containsExactlyInAnyOrder("user", "admin");
        }

        assertThat(rowsFor(ADMIN_EMAIL)).containsExactly("user admin");
    }

    @Test
    void an_account_someone_else_registered_is_never_promoted_and_the_start_is_refused() throws Exception {
        Api.TestUser user = api.newUser("squatter");
        Map<String, String> promote = new HashMap<>(properties);
        promote.put("identity.bootstrap-admin.email", user.email());
        promote.put("identity.bootstrap-admin.password", Api.PASSWORD);
        promote.put("identity.bootstrap-admin.reset-password", "true");

        assertThatThrownBy(() -> new SecondInstance(promote).close())
                .hasStackTraceContaining("exists without the admin role");

        assertThat(SignedJWT.parse(api.accessToken(user)).getJWTClaimsSet().getStringListClaim("roles"))
                .containsExactly("user");
        assertThat(rowsFor(user.email())).containsExactly("user");
    }

    @Test
    void a_configured_password_that_is_not_the_admins_refuses_the_start_and_changes_nothing() {
        Map<String, String> wrong = new HashMap<>(properties);
        wrong.put("identity.bootstrap-admin.password", "a different configured password");

        assertThatThrownBy(() -> new SecondInstance(wrong).close())
                .hasStackTraceContaining("is not the password of the existing admin")
                .hasStackTraceContaining("IDENTITY_BOOTSTRAP_ADMIN_RESET_PASSWORD");

        assertThat(api.login(ADMIN_EMAIL, ADMIN_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void reset_password_makes_the_configured_password_the_admins() {
        Map<String, String> reset = new HashMap<>(properties);
        reset.put("identity.bootstrap-admin.password", "a new development password");
        reset.put("identity.bootstrap-admin.reset-password", "true");

        try (SecondInstance restarted = new SecondInstance(reset)) {
            assertThat(restarted.api().login(ADMIN_EMAIL, "a new development password").status()).isEqualTo(200);
            assertThat(restarted.api().login(ADMIN_EMAIL, ADMIN_PASSWORD).status()).isEqualTo(401);
        }
        // Put the class's admin back as it was for the other tests.
        Map<String, String> back = new HashMap<>(properties);
        back.put("identity.bootstrap-admin.reset-password", "true");
        new SecondInstance(back).close();
        assertThat(api.login(ADMIN_EMAIL, ADMIN_PASSWORD).status()).isEqualTo(200);
    }

    /** The roles column of every account with this email. */
    private List<String> rowsFor(String email) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement("select roles from users where lower(email) = ?")) {
            select.setString(1, email);
            List<String> roles = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    roles.add(rows.getString(1));
                }
            }
            return roles;
        }
    }
}
