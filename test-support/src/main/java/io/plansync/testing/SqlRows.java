package io.plansync.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a test reads from (or writes straight into) a service's database: rows as maps of column label to value
 * (timestamps as Instant), over one connection the test owns. SQL errors become unchecked, so that the reads fit in
 * assertions and {@link Eventually} probes.
 */
public final class SqlRows {
    private final Connection connection;

    public SqlRows(Connection connection) {
        this.connection = connection;
    }

    public List<Map<String, Object>> query(String sql, Object... parameters) {
        try (PreparedStatement select = prepare(sql, parameters); ResultSet result = select.executeQuery()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 1; c <= columns; c++) {
                    Object value = result.getObject(c);
                    row.put(result.getMetaData().getColumnLabel(c), value instanceof Timestamp t ? t.toInstant() : value);
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row, a number (a {@code count(*)} say). */
    public long count(String sql, Object... parameters) {
        return ((Number) query(sql, parameters).getFirst().values().iterator().next()).longValue();
    }

    /** The first column of each row, as text. */
    public List<String> texts(String sql, Object... parameters) {
        return query(sql, parameters).stream().map(row -> row.values().iterator().next())
                .map(value -> value == null ? null : value.toString()).toList();
    }

    /** @return the rows changed */
    public int execute(String sql, Object... parameters) {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            // A String[] goes as text[] (for "= any(?)").
            statement.setObject(i + 1, parameters[i] instanceof String[] array
                    ? connection.createArrayOf("text", array) : parameters[i]);
        }
        return statement;
    }
}
