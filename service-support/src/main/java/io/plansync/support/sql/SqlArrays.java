package io.plansync.support.sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.function.Function;

/**
 * Array parameters for statements that take many rows at once ({@code unnest(?::uuid[], ?::timestamptz[], ...)}).
 * Arrays go as text and are cast in SQL: one encoding for every column type.
 */
public final class SqlArrays {
    private SqlArrays() {
    }

    /** A text[] of one column of {@code rows}, in their order. */
    public static <T> Array texts(Connection connection, Collection<T> rows, Function<? super T, String> column)
            throws SQLException {
        return connection.createArrayOf("text", rows.stream().map(column).toArray());
    }

    /** A text[] of {@code values}, in their order. */
    public static Array texts(Connection connection, Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
