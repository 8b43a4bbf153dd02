package io.plansync.identity.accounts;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user lookup at login uses the unique index on {@code lower(email)} instead of scanning every user: checked
 * with PostgreSQL's EXPLAIN of the very statement the repository runs.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserLookupIndexTest implements TestPropertyProvider {
    private final TestDatabases.Database database = TestDatabases.fresh("identity");

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.of(database);
    }

    @Test
    void the_login_lookup_by_email_uses_the_email_index() throws SQLException {
        String sql = UserRepository.FIND_BY_EMAIL;

        List<String> plan = explain(sql.replace("?", "'someone@example.com'"));

        assertThat(plan).as("plan of %s", sql).anySatisfy(line -> assertThat(line).contains("users_email_key"));
        assertThat(plan).noneSatisfy(line -> assertThat(line).contains("Seq Scan"));
    }

    /** The plan with sequential scans priced out, as on a table too large to scan: an index is used if it can be. */
    private List<String> explain(String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("set enable_seqscan = off");
            List<String> lines = new ArrayList<>();
            try (ResultSet plan = statement.executeQuery("explain " + sql)) {
                while (plan.next()) {
                    lines.add(plan.getString(1));
                }
            }
            return lines;
        }
    }
}
