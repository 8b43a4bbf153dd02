package io.plansync.payment.ledger;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** How the ledger tells a group's failure apart, by SQLSTATE: what it means for the events of the group. */
final class SqlFailures {
    private SqlFailures() {
    }

    /** The statement was cancelled after lock-wait (57014), or a lock_timeout expired (55P03). */
    static boolean lockWaitExpired(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && ("57014".equals(sql.getSQLState())
                    || "55P03".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** No connection, or it broke (SQLSTATE class 08): not something one event of the group caused. */
    static boolean databaseUnreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
