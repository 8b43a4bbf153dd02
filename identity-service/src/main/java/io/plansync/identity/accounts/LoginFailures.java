package io.plansync.identity.accounts;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;

/**
 * Failed logins per email, in the database so a lock-out holds across restarts and replicas. A login attempt is
 * written here before its password is checked ({@link #recordIfUnlocked}) and forgotten if it succeeds, so
 * concurrent attempts cannot all pass the check before any of them is counted.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface LoginFailures extends GenericRepository<LoginFailures.Row, Long> {

    /** Serializes the attempts on one email until the current transaction ends. */
    @Query("select count(*) from (select pg_advisory_xact_lock(hashtextextended('plansync.login:' || :email, 0))) l")
    long lock(String email);

    /**
     * Records an attempt as a failure unless the email already has {@code maxFailures} after {@code since}. Run it
     * holding {@link #lock}, in the same transaction, so that the count and the insert are one step.
     *
     * @return 1 if recorded, 0 if the email is locked (nothing recorded)
     */
    @Query("insert into login_failures (email, failed_at) select :email, :at "
            + "where (select count(*) from login_failures where email = :email and failed_at > :since) < :maxFailures")
    int recordIfUnlocked(String email, Instant at, Instant since, int maxFailures);

    /** The {@code n}-th most recent failure after {@code since} (1 = newest), if there are that many. */
    @Query("select failed_at from login_failures where email = :email and failed_at > :since "
            + "order by failed_at desc limit 1 offset :skip")
    Optional<Instant> nthRecentFailure(String email, Instant since, int skip);

    /** @return how many failures were forgotten */
    @Query("delete from login_failures where email = :email")
    int clear(String email);

    @Query("delete from login_failures where failed_at < :before")
    int forgetBefore(Instant before);

    @MappedEntity("login_failures")
    record Row(@Id Long id, String email, Instant failedAt) {
    }
}
