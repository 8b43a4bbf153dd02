package io.plansync.support.database;

import io.plansync.support.database.SchemaMigration.Outcome;
import io.plansync.support.database.SchemaMigration.SchemaHistory;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestDatabases.Database;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A start leaves Flyway out only when the schema already holds every migration of the build; anything else is
 * Flyway's to decide.
 */
class SchemaMigrationTest {

    private static final Set<String> BUILD = Set.of("V1__a.sql", "V2__b.sql");

    @Test
    void flyway_is_left_out_only_when_every_script_of_the_build_succeeded() {
        assertThat(new SchemaHistory(Set.of("V1__a.sql", "V2__b.sql"), false).holdsAll(BUILD)).isTrue();
        assertThat(new SchemaHistory(Set.of("V1__a.sql", "V2__b.sql", "V3__c.sql"), false).holdsAll(BUILD))
                .as("a newer replica's migration is ignored, as Flyway ignores future migrations").isTrue();
    }

    @Test
    void a_new_missing_or_failed_script_leaves_it_to_flyway() {
        assertThat(SchemaHistory.NONE.holdsAll(BUILD)).as("a new database").isFalse();
        assertThat(new SchemaHistory(Set.of("V1__a.sql"), false).holdsAll(BUILD)).as("a new script").isFalse();
        assertThat(new SchemaHistory(Set.of("V2__b.sql"), false).holdsAll(BUILD)).as("one missing in between")
                .isFalse();
        assertThat(new SchemaHistory(Set.of("V1__a.sql", "V2__b.sql"), true).holdsAll(BUILD)).as("a failed one")
                .isFalse();
    }

    @Test
    void a_new_database_is_migrated_and_a_restart_does_not_run_flyway() throws SQLException {
        Database database = TestDatabases.fresh("schema_migration");

        assertThat(migration("db/migration-test/first").bringUpToDate(dataSource(database)))
                .isEqualTo(Outcome.MIGRATED);
        assertThat(tables(database)).contains("first_table", "second_table");

        assertThat(migration("db/migration-test/first").bringUpToDate(dataSource(database)))
                .isEqualTo(Outcome.ALREADY_CURRENT);
        assertThat(migration("db/migration-test/next").bringUpToDate(dataSource(database)))
                .as("a build with one more migration").isEqualTo(Outcome.MIGRATED);
        assertThat(tables(database)).contains("third_table");
    }

    @Test
    void a_failed_migration_in_the_history_stops_the_start_as_flyway_would() throws SQLException {
        Database database = TestDatabases.fresh("schema_migration_failed");
        migration("db/migration-test/first").bringUpToDate(dataSource(database));
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("update flyway_schema_history set success = false where script = 'V2__second_table.sql'");
        }

        assertThatThrownBy(() -> migration("db/migration-test/first").bringUpToDate(dataSource(database)))
                .isInstanceOf(FlywayException.class);
    }

    @Test
    void a_location_without_its_index_stops_the_start_naming_it() {
        assertThatThrownBy(() -> MigrationScripts.in(getClass().getClassLoader(), "db/no-such-folder"))
                .hasMessageContaining("classpath:db/no-such-folder.index");
    }

    private static SchemaMigration migration(String location) {
        return new SchemaMigration(new MigrationSettings(location), Optional.empty());
    }

    private static PGSimpleDataSource dataSource(Database database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(database.url());
        dataSource.setUser(database.user());
        dataSource.setPassword(database.password());
        return dataSource;
    }

    private static Set<String> tables(Database database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select string_agg(tablename, ',') from pg_tables where schemaname = 'public'")) {
            rows.next();
            return Set.of(rows.getString(1).split(","));
        }
    }
}
