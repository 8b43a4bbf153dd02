package io.plansync.identity.accounts;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;

/** Failed logins per email, in the database so a lock-out holds across restarts and replicas. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface LoginFailures extends GenericRepository<LoginFailures.Row, Long> {

    @Query("insert into login_failures (email, failed_at) values (:email, :at)")
    void record(String email, Instant at);

    /** The {@code n}-th most recent failure after {@code since} (1 = newest), if there are that many. */
    @Query("select failed_at from login_failures where email = :email and failed_at > :since "
            + "order by failed_at desc limit 1 offset :skip")
    Optional<Instant> nthRecentFailure(String email, Instant since, int skip);

    @Query("delete from login_failures where email = :email")
    void clear(String email);

    @Query("delete from login_failures where failed_at < :before")
    int forgetBefore(Instant before);

    @MappedEntity("login_failures")
    record Row(@Id Long id, String email, Instant failedAt) {
    }
}
