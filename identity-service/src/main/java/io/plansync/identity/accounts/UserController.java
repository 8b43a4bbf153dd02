package io.plansync.identity.accounts;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.plansync.contracts.Roles;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.UserLookup;
import io.plansync.contracts.UserView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.identity.callers.Caller;
import io.plansync.identity.callers.CallerAccess;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Reading users: yourself, or anyone as an admin or a service with users:read; admins can lift a lock-out. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class UserController {
    private final UserRepository users;
    private final UnlockUser unlockUser;
    private final RevokeSessions revokeSessions;
    private final Clock clock;

    public UserController(UserRepository users, UnlockUser unlockUser, RevokeSessions revokeSessions, Clock clock) {
        this.users = users;
        this.unlockUser = unlockUser;
        this.revokeSessions = revokeSessions;
        this.clock = clock;
    }

    /** Only user access tokens carry the user role; a service token is never taken for a user. */
    @Get("/users/me")
    @Secured(Roles.USER)
    public UserView me(Authentication authentication) {
        return find(authentication.getName());
    }

    @Get("/admin/users/{id}")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public UserView user(@PathVariable String id, Authentication authentication) {
        CallerAccess.require(Caller.from(authentication), Scopes.USERS_READ);
        return find(id);
    }

    /** Many users at once (reconciliation's batches): the same view and scope as one. */
    @Post(UserLookup.PATH)
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public UserLookup.Response lookup(@Body @Nullable UserLookupBody body, Authentication authentication) {
        CallerAccess.require(Caller.from(authentication), Scopes.USERS_READ);
        List<UUID> ids = LookupIds.parse(body == null ? null : body.ids());
        Instant now = clock.instant();
        List<UserView> found = users.findAllByIds(ids).stream().map(user -> user.view(now)).toList();
        Set<String> foundIds = found.stream().map(UserView::id).collect(Collectors.toSet());
        return new UserLookup.Response(found, ids.stream().map(UUID::toString).filter(id -> !foundIds.contains(id))
                .distinct().toList());
    }

    /** The body of {@code POST /admin/users/lookup}. */
    @Serdeable
    public record UserLookupBody(@Nullable List<String> ids) {
    }

    /** Admins only (not services): ends a login lock-out now. */
    @Post("/admin/users/{id}/unlock")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public UnlockUser.Unlocked unlock(@PathVariable String id, Authentication authentication) {
        return unlockUser.unlock(Caller.from(authentication), id);
    }

    /** Admins only (not services): signs the user out everywhere (their refresh tokens are revoked). */
    @Post("/admin/users/{id}/revoke-sessions")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public RevokeSessions.Revoked revokeSessions(@PathVariable String id, Authentication authentication) {
        return revokeSessions.revoke(Caller.from(authentication), id);
    }

    private UserView find(String id) {
        return UserIds.parse(id).flatMap(users::findById).map(user -> user.view(clock.instant())).orElseThrow(UserIds::notFound);
    }
}
