package io.plansync.payment;

import io.plansync.testing.SqlRows;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.TestDatabases;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * What a payment-service test class runs against: a fresh payments database (and a connection of the test's own to
 * it), the Stripe stand-in, and user tokens signed with a test key whose JWKS is served. Register it as an extension
 * field ({@code @RegisterExtension}) of a per-class test; it closes everything after the class.
 */
public final class PaymentFixture implements AfterAllCallback {
    /** identity-service for a test that runs none: a port nothing listens on. */
    public static final String NO_IDENTITY = "http://127.0.0.1:9";

    private final TestDatabases.Database database = TestDatabases.fresh("payments");
    private final StripeStandIn stripe = new StripeStandIn();
    private final TestUserTokens users = new TestUserTokens();
    private Connection jdbc;
    private SqlRows rows;

    /** payment-service's settings for this fixture, without identity-service, plus {@code extra}. */
    public Map<String, String> properties(Map<String, String> extra) {
        return PaymentTestProperties.of(database, stripe.url(), NO_IDENTITY, users.jwksUrl(), extra);
    }

    public TestDatabases.Database database() {
        return database;
    }

    public StripeStandIn stripe() {
        return stripe;
    }

    public TestUserTokens users() {
        return users;
    }

    /** The test's own connection to the database, opened on first use. */
    public synchronized Connection jdbc() {
        if (jdbc == null) {
            try {
                jdbc = database.connect();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            rows = new SqlRows(jdbc);
        }
        return jdbc;
    }

    public SqlRows rows() {
        jdbc();
        return rows;
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws SQLException {
        if (jdbc != null) {
            jdbc.close();
        }
        stripe.close();
        users.close();
    }
}
