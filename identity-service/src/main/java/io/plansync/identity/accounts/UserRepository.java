package io.plansync.identity.accounts;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface UserRepository extends CrudRepository<User, UUID> {

    /**
     * Emails are stored lower-cased, so this is a case-insensitive lookup. It names the expression of the unique
     * index users_email_key, {@code lower(email)}, so that PostgreSQL can use it: {@code email = ?} scans the table.
     */
    @Query("select * from users where lower(email) = lower(:email)")
    Optional<User> findByEmail(String email);

    /** @return 1 if inserted, 0 if the email is taken */
    @Query("insert into users (id, email, password_hash, roles, created_at, updated_at) "
            + "values (:id, :email, :passwordHash, :roles, now(), now()) on conflict do nothing")
    int insertIfEmailFree(UUID id, String email, String passwordHash, String roles);

    @Query("update users set roles = :roles, updated_at = now() where id = :id")
    void updateRoles(UUID id, String roles);

    @Query("update users set password_hash = :passwordHash, updated_at = now() where id = :id")
    void updatePasswordHash(UUID id, String passwordHash);

    @Query("select * from users where id = :id for update")
    Optional<User> findByIdForUpdate(UUID id);

    /**
     * Locks these users in id order (PostgreSQL locks each row as the sorted scan returns it), so transactions
     * locking several users this way never deadlock on each other.
     */
    /** The users of these ids (one statement, an index lookup per id). */
    @Query("select * from users where id in (:ids)")
    List<User> findAllByIds(Collection<UUID> ids);

    @Query("select * from users where id in (:ids) order by id for update")
    List<User> findAllByIdForUpdate(Collection<UUID> ids);
}
