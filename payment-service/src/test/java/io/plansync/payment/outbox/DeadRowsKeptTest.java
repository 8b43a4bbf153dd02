package io.plansync.payment.outbox;

import io.plansync.testing.SqlRows;
import io.plansync.testing.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A dead plan change waits for a person: like identity's audit trail, the database does not let it vanish. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadRowsKeptTest {
    private final TestDatabases.Database database = TestDatabases.fresh("payments");
    private Connection jdbc;
    private SqlRows rows;

    @BeforeAll
    void migrate() throws SQLException {
        Flyway.configure().dataSource(database.url(), database.user(), database.password())
                .locations("classpath:db/payments").load().migrate();
        jdbc = database.connect();
        rows = new SqlRows(jdbc);
    }

    @AfterAll
    void close() throws SQLException {
        jdbc.close();
    }

    @Test
    void a_dead_row_cannot_be_deleted_but_a_delivered_one_can() {
        long dead = row("dead");
        long done = row("done");

        assertThatThrownBy(() -> rows.execute("delete from outbox where id = ?", dead))
                .hasMessageContaining("kept until it is replayed");
        assertThat(rows.execute("delete from outbox where id = ?", done)).isEqualTo(1);
        assertThat(rows.count("select count(*) from outbox where id = ?", dead)).isEqualTo(1);
    }

    @Test
    void the_outbox_cannot_be_truncated() {
        long dead = row("dead");

        assertThatThrownBy(() -> rows.execute("truncate outbox cascade")).hasMessageContaining("truncate is refused");
        assertThat(rows.count("select count(*) from outbox where id = ?", dead)).isEqualTo(1);
    }

    private long row(String state) {
        return rows.count("insert into outbox (user_id, plan, status, event_id, source_event_at, state) "
                + "values (?, 'pro', 'active', ?, now(), ?) returning id", UUID.randomUUID(), "evt_" + UUID.randomUUID(),
                state);
    }
}
