package io.plansync.support.sql;

import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestDatabases.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SQL seams' statements run in the caller's transaction when there is one (a claim's row locks last until its
 * commit; a failure rolls every statement back), else each on a pooled connection of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlTest {

    private final Database database = TestDatabases.fresh("sql_seams");
    private ApplicationContext context;
    private Sql sql;
    private TransactionOperations<Connection> transactions;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void start() {
        context = ApplicationContext.run(Map.of("datasources.default.url", database.url(),
                "datasources.default.username", database.user(), "datasources.default.password", database.password(),
                "datasources.default.maximum-pool-size", "4", "plansync.migrations.location", "db/migration-test/first"));
        sql = context.getBean(Sql.class);
        transactions = context.getBean(TransactionOperations.class);
    }

    @AfterAll
    void stop() {
        context.close();
    }

    @Test
    void statements_in_a_transaction_share_its_connection_and_roll_back_with_it() {
        assertThatThrownBy(() -> transactions.executeWrite(status -> {
            sql.update("insert into first_table (id) values (?)", 1);
            long backend = sql.number("select pg_backend_pid()");
            assertThat(sql.number("select pg_backend_pid()")).isEqualTo(backend);
            assertThat(sql.number("select count(*) from first_table where id = 1")).as("seen inside").isEqualTo(1);
            throw new IllegalStateException("the use case fails after its statements");
        })).hasMessageContaining("the use case fails");

        assertThat(committedRows("first_table where id = 1")).isZero();
    }

    @Test
    void a_row_claimed_for_update_stays_locked_until_the_transaction_ends() {
        sql.update("insert into second_table (id) values (?)", 7);

        transactions.executeWrite(status -> {
            assertThat(sql.list("select id from second_table where id = ? for update", row -> row.getInt(1), 7))
                    .containsExactly(7);
            assertThat(lockedElsewhere("second_table where id = 7")).as("while the claim's transaction runs")
                    .isTrue();
            return null;
        });

        assertThat(lockedElsewhere("second_table where id = 7")).as("after its commit").isFalse();
    }

    @Test
    void outside_a_transaction_each_statement_commits_on_its_own() {
        sql.update("insert into first_table (id) values (?)", 2);

        assertThat(committedRows("first_table where id = 2")).isEqualTo(1);
    }

    @Test
    void values_round_trip_and_an_aggregate_of_no_rows_is_empty() {
        Instant at = Instant.parse("2026-12-03T10:15:30.123456Z");
        sql.update("insert into first_table (id) values (?), (?), (?)", 10, 11, 12);

        assertThat(sql.first("select ?::timestamptz as at", row -> Sql.instant(row, "at"), at)).contains(at);
        assertThat(sql.first("select min(id) from first_table where id > ?", row -> (Integer) row.getObject(1), 99))
                .isEqualTo(Optional.empty());
        assertThat(sql.first("select id from first_table where id = ?", row -> row.getInt(1), 404)).isEmpty();
        assertThat(sql.list("select id from first_table where id = any(?) order by id", row -> row.getInt(1),
                (Object) new Integer[] {10, 12})).isEqualTo(List.of(10, 12));
        assertThat(sql.first("select ?::text is null as missing", row -> row.getBoolean(1), (Object) null))
                .contains(true);
    }

    @Test
    void a_failed_statement_says_its_sqlstate_and_keeps_the_driver_cause() {
        assertThatThrownBy(() -> sql.update("insert into first_table (id) values (?)", "not a number"))
                .isInstanceOf(Sql.SqlFailure.class).hasMessageContaining("SQLState")
                .hasCauseInstanceOf(SQLException.class);
    }

    private long committedRows(String fromWhere) {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from " + fromWhere)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean lockedElsewhere(String fromWhere) {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from (select 1 from "
                     + fromWhere + " for update skip locked) unlocked")) {
            rows.next();
            return rows.getLong(1) == 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
