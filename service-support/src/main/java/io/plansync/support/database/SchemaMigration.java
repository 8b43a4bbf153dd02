package io.plansync.support.database;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Brings the service's database up to the migrations this build carries, as the data source is created and before
 * anything uses it. Flyway runs only when the schema lacks one of them: a start against a current schema (every
 * restart, every replica after the first) reads Flyway's history with one query and never loads Flyway, which
 * spares about 900 classes (Flyway's and the Jackson its configuration model loads), some 10 MB resident and about
 * 90 ms of the start-up (bench/RESULTS.md, sessions 11 and 13). Concurrent starts that do migrate are serialised by
 * Flyway's own lock.
 */
@Singleton
public final class SchemaMigration implements BeanCreatedEventListener<DataSource> {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);

    private final MigrationSettings settings;
    private final DataSourceResolver resolver;

    SchemaMigration(MigrationSettings settings, Optional<DataSourceResolver> resolver) {
        this.settings = settings;
        this.resolver = resolver.orElse(DataSourceResolver.DEFAULT);
    }

    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        bringUpToDate(resolver.resolve(event.getBean()));
        return event.getBean();
    }

    /** What a start did to the schema. */
    enum Outcome { MIGRATED, ALREADY_CURRENT }

    Outcome bringUpToDate(DataSource dataSource) {
        ClassLoader loader = getClass().getClassLoader();
        Set<String> bundled = MigrationScripts.in(loader, settings.location());
        if (SchemaHistory.read(dataSource).holdsAll(bundled)) {
            LOG.info("Database schema holds all {} migrations of classpath:{}; nothing to migrate", bundled.size(),
                    settings.location());
            return Outcome.ALREADY_CURRENT;
        }
        Flyway.configure(loader).dataSource(dataSource).locations("classpath:" + settings.location()).load()
                .migrate();
        return Outcome.MIGRATED;
    }

    /**
     * What Flyway's history says was applied: the scripts that succeeded, and whether any failed.
     */
    record SchemaHistory(Set<String> applied, boolean anyFailed) {

        static final SchemaHistory NONE = new SchemaHistory(Set.of(), false);

        /**
         * The rule: Flyway is skipped only when every script of the build succeeded and none failed. A failed one, a
         * new one or one missing in between (which Flyway refuses unless told to run out of order) leaves the
         * decision, and the error, to Flyway. A script the build no longer carries (a newer replica's) is ignored,
         * as Flyway ignores future migrations. Checksums are not compared: an edited script that was already
         * applied is only reported when a migration runs (SECURITY.md, residual risks).
         */
        boolean holdsAll(Set<String> bundled) {
            return !anyFailed && applied.containsAll(bundled);
        }

        static SchemaHistory read(DataSource dataSource) {
            try (Connection connection = dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                try (ResultSet exists = statement.executeQuery(
                        "select to_regclass('flyway_schema_history') is not null")) {
                    exists.next();
                    if (!exists.getBoolean(1)) {
                        return NONE;
                    }
                }
                Set<String> applied = new HashSet<>();
                boolean anyFailed = false;
                try (ResultSet rows = statement.executeQuery("select script, success from flyway_schema_history")) {
                    while (rows.next()) {
                        if (rows.getBoolean(2)) {
                            applied.add(rows.getString(1));
                        } else {
                            anyFailed = true;
                        }
                    }
                }
                return new SchemaHistory(applied, anyFailed);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not read the database's migration history", e);
            }
        }
    }
}
