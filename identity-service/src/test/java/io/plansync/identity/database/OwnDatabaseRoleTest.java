package io.plansync.identity.database;

import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.testing.TestDatabases;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * identity-service as deployed: logged in as a role that only owns its database (no superuser, no CREATEDB, no
 * CREATEROLE). Every Flyway migration runs as that owner, the service works, and the audit trail's triggers hold
 * against the owner too.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnDatabaseRoleTest implements TestPropertyProvider {
    private final TestDatabases.Database database = TestDatabases.freshOwnedByOwnRole("identity");

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.of(database, Map.of());
    }

    @Test
    void every_migration_ran_as_the_unprivileged_owner_and_the_service_works() throws SQLException {
        TestDatabases.Ownership ownership = database.ownership();
        assertThat(ownership.privileged()).as("a superuser, or may create databases or roles").isFalse();
        assertThat(ownership.migrations()).as("migrations").isGreaterThanOrEqualTo(3);
        assertThat(ownership.failedMigrations()).as("failed migrations").isZero();
        assertThat(ownership.allRunByOwner()).as("all run by the owner").isTrue();

        Api api = new Api(http);
        Api.TestUser user = api.newUser("least-privilege");
        assertThat(api.accessToken(user)).isNotBlank();
    }

    @Test
    void the_owner_may_append_to_the_audit_trail_but_not_change_or_empty_it() throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("insert into plan_change_audit (actor_type, result, http_status) "
                    + "values ('anonymous', 'refused', 401)");

            assertThatThrownBy(() -> statement.execute("update plan_change_audit set http_status = 200"))
                    .hasMessageContaining("append only");
            assertThatThrownBy(() -> statement.execute("delete from plan_change_audit"))
                    .hasMessageContaining("append only");
            assertThatThrownBy(() -> statement.execute("truncate plan_change_audit"))
                    .hasMessageContaining("append only");
        }
    }
}
