package io.plansync.identity.accounts;

import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.plansync.support.sql.Sql.instant;
import static io.plansync.support.sql.Sql.uuid;

/** The users table: all its SQL. */
@Singleton
public class UserRepository {

    /**
     * Emails are stored lower-cased, so this is a case-insensitive lookup. It names the expression of the unique
     * index users_email_key, {@code lower(email)}, so that PostgreSQL can use it: {@code email = ?} scans the table.
     */
    static final String FIND_BY_EMAIL = "select * from users where lower(email) = lower(?)";

    private final Sql sql;

    UserRepository(Sql sql) {
        this.sql = sql;
    }

    public Optional<User> findByEmail(String email) {
        return sql.first(FIND_BY_EMAIL, UserRepository::read, email);
    }

    public Optional<User> findById(UUID id) {
        return sql.first("select * from users where id = ?", UserRepository::read, id);
    }

    /** @return 1 if inserted, 0 if the email is taken */
    public int insertIfEmailFree(UUID id, String email, String passwordHash, String roles) {
        return sql.update("insert into users (id, email, password_hash, roles, created_at, updated_at) "
                + "values (?, ?, ?, ?, now(), now()) on conflict do nothing", id, email, passwordHash, roles);
    }

    public void updateRoles(UUID id, String roles) {
        sql.update("update users set roles = ?, updated_at = now() where id = ?", roles, id);
    }

    public void updatePasswordHash(UUID id, String passwordHash) {
        sql.update("update users set password_hash = ?, updated_at = now() where id = ?", passwordHash, id);
    }

    public Optional<User> findByIdForUpdate(UUID id) {
        return sql.first("select * from users where id = ? for update", UserRepository::read, id);
    }

    /** The users of these ids (one statement, an index lookup per id). */
    public List<User> findAllByIds(Collection<UUID> ids) {
        return sql.list("select * from users where id = any(?)", UserRepository::read,
                (Object) ids.toArray(UUID[]::new));
    }

    /**
     * Locks these users in id order (PostgreSQL locks each row as the sorted scan returns it), so transactions
     * locking several users this way never deadlock on each other.
     */
    public List<User> findAllByIdForUpdate(Collection<UUID> ids) {
        return sql.list("select * from users where id = any(?) order by id for update", UserRepository::read,
                (Object) ids.toArray(UUID[]::new));
    }

    private static User read(ResultSet row) throws SQLException {
        return new User(uuid(row, "id"), row.getString("email"), row.getString("password_hash"),
                row.getString("roles"), row.getString("plan"), row.getString("status"),
                instant(row, "plan_changed_at"), instant(row, "plan_valid_until"), row.getLong("plan_version"),
                instant(row, "created_at"), instant(row, "updated_at"));
    }
}
