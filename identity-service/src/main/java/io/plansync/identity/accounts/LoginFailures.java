package io.plansync.identity.accounts;

import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Optional;

/**
 * Failed logins per email, in the database so a lock-out holds across restarts and replicas. A login attempt is
 * written here before its password is checked ({@link #recordIfUnlocked}) and forgotten if it succeeds, so
 * concurrent attempts cannot all pass the check before any of them is counted.
 */
@Singleton
public class LoginFailures {

    private final Sql sql;

    LoginFailures(Sql sql) {
        this.sql = sql;
    }

    /** Serializes the attempts on one email until the current transaction ends. */
    public long lock(String email) {
        return sql.number("select count(*) from (select pg_advisory_xact_lock(hashtextextended('plansync.login:' || ?, "
                + "0))) l", email);
    }

    /**
     * Records an attempt as a failure unless the email already has {@code maxFailures} after {@code since}. Run it
     * holding {@link #lock}, in the same transaction, so that the count and the insert are one step.
     *
     * @return 1 if recorded, 0 if the email is locked (nothing recorded)
     */
    public int recordIfUnlocked(String email, Instant at, Instant since, int maxFailures) {
        return sql.update("insert into login_failures (email, failed_at) select ?, ? where (select count(*) from "
                + "login_failures where email = ? and failed_at > ?) < ?", email, at, email, since, maxFailures);
    }

    /** The {@code n}-th most recent failure after {@code since} (1 = newest), if there are that many. */
    public Optional<Instant> nthRecentFailure(String email, Instant since, int skip) {
        return sql.first("select failed_at from login_failures where email = ? and failed_at > ? "
                + "order by failed_at desc limit 1 offset ?", row -> Sql.instant(row, "failed_at"), email, since, skip);
    }

    /** @return how many failures were forgotten */
    public int clear(String email) {
        return sql.update("delete from login_failures where email = ?", email);
    }

    public int forgetBefore(Instant before) {
        return sql.update("delete from login_failures where failed_at < ?", before);
    }
}
