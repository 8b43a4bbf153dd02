package io.plansync.identity.accounts;

import io.micronaut.serde.annotation.Serdeable;
import io.plansync.identity.callers.Caller;
import io.plansync.support.auth.ProblemAuthorizationExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admin lifts a user's login lock-out at once, e.g. when someone keeps the account locked with wrong passwords
 * from many places. Written to the log as an audit record: who, for which user, how many failures were forgotten.
 */
@Singleton
public class UnlockUser {
    private static final Logger AUDIT = LoggerFactory.getLogger("plansync.audit");

    private final UserRepository users;
    private final LoginLockout lockout;

    public UnlockUser(UserRepository users, LoginLockout lockout) {
        this.users = users;
        this.lockout = lockout;
    }

    public Unlocked unlock(Caller caller, String id) {
        if (!caller.isAdmin()) {
            throw ProblemAuthorizationExceptionHandler.forbidden();
        }
        User user = UserIds.parse(id).flatMap(users::findById).orElseThrow(UserIds::notFound);
        int forgotten = lockout.unlock(user.email());
        AUDIT.info("Login unlocked: user {} by admin {} (token {}), {} recorded failures forgotten", user.id(),
                caller.id(), caller.jti(), forgotten);
        return new Unlocked(user.id().toString(), forgotten);
    }

    /** The answer: which user, and how many recorded failed logins were forgotten (0: it was not locked). */
    @Serdeable
    public record Unlocked(String userId, int failuresForgotten) {
    }
}
