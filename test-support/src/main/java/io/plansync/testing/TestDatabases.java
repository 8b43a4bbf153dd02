package io.plansync.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real PostgreSQL for tests, a fresh database per call so test classes and runs never see each other's data.
 *
 * <p>{@code PLANSYNC_TEST_DB} chooses the server: {@code auto} (default) uses Testcontainers when a Docker engine
 * answers and otherwise the server at {@code PLANSYNC_TEST_DB_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user {@code PLANSYNC_TEST_DB_USER} / password
 * {@code PLANSYNC_TEST_DB_PASSWORD}, both default {@code postgres}); {@code container} or {@code external} force one.
 * Databases made here are dropped when the JVM exits.
 */
public final class TestDatabases {
    private static final Server SERVER = Server.choose();
    private static final List<String> CREATED = new CopyOnWriteArrayList<>();
    private static final List<String> CREATED_ROLES = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::dropCreated, "drop-test-databases"));
    }

    private TestDatabases() {
    }

    /** A new, empty database; {@code purpose} only makes its name readable. */
    public static Database fresh(String purpose) {
        return new Database(SERVER.urlFor(createDatabase(purpose)), SERVER.user, SERVER.password);
    }

    /**
     * A new, empty database owned by a new role of its own, as each service runs in production: LOGIN, NOSUPERUSER,
     * NOCREATEDB, NOCREATEROLE, and no other role may connect to the database. The settings returned log in as that
     * role, so the service (and Flyway's migrations) run without any privilege beyond owning the database.
     */
    public static Database freshOwnedByOwnRole(String purpose) {
        String name = createDatabase(purpose);
        String role = ownerOf(name);
        String password = UUID.randomUUID().toString();
        try (Connection admin = SERVER.connect(); Statement statement = admin.createStatement()) {
            statement.execute("create role " + role + " login nosuperuser nocreatedb nocreaterole password '"
                    + password + "'");
            CREATED_ROLES.add(role);
            statement.execute("alter database " + name + " owner to " + role);
            statement.execute("revoke all on database " + name + " from public");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the owner role of " + name, e);
        }
        return new Database(SERVER.urlFor(name), role, password);
    }

    private static String ownerOf(String database) {
        return database + "_owner";
    }

    private static String createDatabase(String purpose) {
        String name = ("plansync_test_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection admin = SERVER.connect(); Statement statement = admin.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + SERVER.adminUrl
                    + " (is PostgreSQL running and PLANSYNC_TEST_DB_* right?)", e);
        }
        CREATED.add(name);
        return name;
    }

    /** Connection settings of one test database. */
    public record Database(String url, String user, String password) {
        /** Micronaut properties pointing the default datasource at this database. */
        public Map<String, String> datasourceProperties() {
            return Map.of(
                    "datasources.default.url", url,
                    "datasources.default.username", user,
                    "datasources.default.password", password);
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        /** Who this database's login is and who ran its migrations, as PostgreSQL and Flyway recorded it. */
        public Ownership ownership() throws SQLException {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                boolean privileged;
                try (ResultSet role = statement.executeQuery("select rolsuper or rolcreatedb or rolcreaterole "
                        + "from pg_roles where rolname = current_user")) {
                    privileged = !role.next() || role.getBoolean(1);
                }
                try (ResultSet history = statement.executeQuery("select count(*), count(*) filter (where not success), "
                        + "coalesce(bool_and(installed_by = current_user), false) from flyway_schema_history "
                        + "where version is not null")) {
                    history.next();
                    return new Ownership(privileged, history.getInt(1), history.getInt(2), history.getBoolean(3));
                }
            }
        }
    }

    /**
     * @param privileged      the login is a superuser or may create databases or roles
     * @param migrations      versioned migrations recorded
     * @param allRunByOwner   every one was installed by the login itself
     */
    public record Ownership(boolean privileged, int migrations, int failedMigrations, boolean allRunByOwner) {
    }

    private static void dropCreated() {
        try (Connection admin = SERVER.connect(); Statement statement = admin.createStatement()) {
            for (String name : CREATED) {
                statement.execute("drop database if exists " + name + " with (force)");
                // Its owner right after it: roles are server-wide, so none is left if the JVM is killed later on.
                if (CREATED_ROLES.contains(ownerOf(name))) {
                    statement.execute("drop role if exists " + ownerOf(name));
                }
            }
        } catch (SQLException ignored) {
            // Best effort: the server may already be gone (container stopped).
        }
    }

    private record Server(String adminUrl, String user, String password) {
        static Server choose() {
            String mode = env("PLANSYNC_TEST_DB", "auto");
            boolean container = switch (mode) {
                case "container" -> true;
                case "external" -> false;
                default -> dockerAvailable();
            };
            if (container) {
                PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>("postgres:15-alpine");
                postgres.start();
                return new Server(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword());
            }
            return new Server(env("PLANSYNC_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                    env("PLANSYNC_TEST_DB_USER", "postgres"), env("PLANSYNC_TEST_DB_PASSWORD", "postgres"));
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(adminUrl, user, password);
        }

        String urlFor(String database) {
            // jdbc:postgresql://host:port/name?params -> same server, other database
            int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
            int query = adminUrl.indexOf('?', slash);
            return adminUrl.substring(0, slash + 1) + database + (query < 0 ? "" : adminUrl.substring(query));
        }

        private static boolean dockerAvailable() {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable e) {
                return false;
            }
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }
    }
}
