package io.plansync.support.sql;

import io.micronaut.data.connection.ConnectionDefinition;
import io.micronaut.data.connection.ConnectionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One SQL statement at a time for the services' SQL seams (each owns the SQL of one concern): parameters bound in
 * order, rows read by the seam's own reader. A statement joins the caller's transaction
 * ({@code TransactionOperations.executeWrite}) when there is one, else runs on a pooled connection of its own.
 * Plain JDBC: a seam's SQL is what runs, with no query model or repository interceptors loaded for it.
 */
@Singleton
public final class Sql {

    /** Reads one row into a value. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** A statement failed: the cause is the driver's. */
    public static final class SqlFailure extends RuntimeException {
        SqlFailure(String message, SQLException cause) {
            super(message, cause);
        }
    }

    private final ConnectionOperations<Connection> connections;

    Sql(ConnectionOperations<Connection> connections) {
        this.connections = connections;
    }

    /** @return the rows changed */
    public int update(String sql, Object... parameters) {
        return run(sql, parameters, PreparedStatement::executeUpdate);
    }

    public <T> List<T> list(String sql, RowReader<T> reader, Object... parameters) {
        return run(sql, parameters, statement -> {
            List<T> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(reader.read(rows));
                }
            }
            return values;
        });
    }

    /** The first row's value; empty without a row, or when the reader reads null (an aggregate of no rows). */
    public <T> Optional<T> first(String sql, RowReader<T> reader, Object... parameters) {
        return run(sql, parameters, statement -> {
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.ofNullable(reader.read(rows)) : Optional.<T>empty();
            }
        });
    }

    /** A count or another single number: the first column of the only row. */
    public long number(String sql, Object... parameters) {
        return first(sql, row -> row.getLong(1), parameters).orElse(0L);
    }

    /** A timestamptz column, null when null. */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static UUID uuid(ResultSet row, String column) throws SQLException {
        return row.getObject(column, UUID.class);
    }

    /** An integer column that may be null. */
    public static Integer nullableInt(ResultSet row, String column) throws SQLException {
        return row.getObject(column, Integer.class);
    }

    @FunctionalInterface
    private interface Work<R> {
        R on(PreparedStatement statement) throws SQLException;
    }

    private <R> R run(String sql, Object[] parameters, Work<R> work) {
        return connections.execute(ConnectionDefinition.DEFAULT, status -> {
            try (PreparedStatement statement = status.getConnection().prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i] instanceof Instant instant
                            ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : parameters[i]);
                }
                return work.on(statement);
            } catch (SQLException e) {
                throw new SqlFailure("A statement failed (SQLState " + e.getSQLState() + ")", e);
            }
        });
    }
}
