package io.plansync.identity.plan;

import io.plansync.testing.TestDatabases;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads plan_change_audit straight from the test database, as an auditor would. */
final class AuditTrail {
    private final TestDatabases.Database database;

    AuditTrail(TestDatabases.Database database) {
        this.database = database;
    }

    record Row(long id, String actorType, String actorId, String tokenJti, String targetUserId, String fromPlan,
               String fromStatus, String toPlan, String toStatus, String updatedBy, String eventId,
               Instant sourceTimestamp, String result, int httpStatus, String code) {
    }

    List<Row> rowsFor(Object targetUserId) {
        return rows("select * from plan_change_audit where target_user_id = ? order by id", targetUserId.toString());
    }

    /** Every row written for requests made with the token of this jti. */
    List<Row> rowsWithJti(String jti) {
        return rows("select * from plan_change_audit where token_jti = ? order by id", jti);
    }

    /** Rows written after the row with this id (0: all), oldest first. */
    List<Row> rowsAfter(long id) {
        return rows("select * from plan_change_audit where id > cast(? as bigint) order by id", Long.toString(id));
    }

    /** The id of the newest row, 0 if there is none. */
    long lastId() {
        List<Row> all = rowsAfter(0);
        return all.isEmpty() ? 0 : all.getLast().id();
    }

    private List<Row> rows(String sql, String parameter) {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, parameter);
            List<Row> rows = new ArrayList<>();
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    Timestamp source = r.getTimestamp("source_timestamp");
                    rows.add(new Row(r.getLong("id"), r.getString("actor_type"), r.getString("actor_id"),
                            r.getString("token_jti"), r.getString("target_user_id"), r.getString("from_plan"),
                            r.getString("from_status"), r.getString("to_plan"), r.getString("to_status"),
                            r.getString("updated_by"), r.getString("event_id"),
                            source == null ? null : source.toInstant(), r.getString("result"),
                            r.getInt("http_status"), r.getString("code")));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The only row for this target: each test attempts once per target unless it says otherwise. */
    Row onlyRowFor(Object targetUserId) {
        List<Row> rows = rowsFor(targetUserId);
        if (rows.size() != 1) {
            throw new AssertionError("expected exactly one audit row for " + targetUserId + " but found " + rows);
        }
        return rows.getFirst();
    }
}
