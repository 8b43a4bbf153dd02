package io.plansync.identity.accounts;

import com.nimbusds.jwt.SignedJWT;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
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

/** identity.bootstrap-admin.*: on start, the configured admin exists and holds the admin role, idempotently. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootstrapAdminTest implements TestPropertyProvider {
    private static final String ADMIN_EMAIL = "root@plansync.test";
    private static final String ADMIN_PASSWORD = "bootstrap admin password";

    private final TestDatabases.Database database = TestDatabases.fresh("identity");
    private Map<String, String> properties;

    @Inject
    @Client("/")
    HttpClient http;

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
        String token = api().accessToken(ADMIN_EMAIL, ADMIN_PASSWORD);

        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("roles")).contains("admin");
        assertThat(rowsFor(ADMIN_EMAIL)).containsExactly("user admin");
    }

    @Test
    void starting_again_on_the_same_database_changes_nothing() throws Exception {
        String idBefore = SignedJWT.parse(api().accessToken(ADMIN_EMAIL, ADMIN_PASSWORD)).getJWTClaimsSet().getSubject();

        try (SecondInstance restarted = new SecondInstance(properties)) {
            String token = restarted.api().accessToken(ADMIN_EMAIL, ADMIN_PASSWORD);
            assertThat(SignedJWT.parse(token).getJWTClaimsSet().getSubject()).isEqualTo(idBefore);
            assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("roles"))
                    .containsExactlyInAnyOrder("user", "admin");
        }

        assertThat(rowsFor(ADMIN_EMAIL)).containsExactly("user admin");
    }

    @Test
    void an_existing_account_named_as_bootstrap_admin_gains_the_role_and_keeps_its_password() throws Exception {
        Api.TestUser user = api().newUser("promoted");
        assertThat(SignedJWT.parse(api().accessToken(user)).getJWTClaimsSet().getStringListClaim("roles"))
                .containsExactly("user");
        Map<String, String> promote = new HashMap<>(properties);
        promote.put("identity.bootstrap-admin.email", user.email());
        promote.put("identity.bootstrap-admin.password", "a different configured password");

        try (SecondInstance restarted = new SecondInstance(promote)) {
            assertThat(restarted.api().login(user.email(), "a different configured password").status())
                    .isEqualTo(401);
        }

        String token = api().accessToken(user);
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("roles"))
                .containsExactlyInAnyOrder("user", "admin");
        assertThat(api().get("/admin/users/" + user.id(), token).status()).isEqualTo(200);
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

    private Api api() {
        return new Api(http);
    }
}
