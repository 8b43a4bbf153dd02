package io.plansync.identity.accounts;

import io.micronaut.serde.annotation.Serdeable;
import io.plansync.identity.callers.Caller;
import io.plansync.support.auth.ProblemAuthorizationExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admin signs a user out everywhere (a stolen device, a compromised account): every refresh token of the user is
 * revoked, so no new access token is issued from them; access tokens already issued end within their lifetime
 * (15 minutes). Written to the audit log: who, for which user, how many.
 */
@Singleton
public class RevokeSessions {
    private static final Logger AUDIT = LoggerFactory.getLogger("plansync.audit");

    private final UserRepository users;
    private final RefreshTokens refreshTokens;

    public RevokeSessions(UserRepository users, RefreshTokens refreshTokens) {
        this.users = users;
        this.refreshTokens = refreshTokens;
    }

    public Revoked revoke(Caller caller, String id) {
        if (!caller.isAdmin()) {
            throw ProblemAuthorizationExceptionHandler.forbidden();
        }
        User user = UserIds.parse(id).flatMap(users::findById).orElseThrow(UserIds::notFound);
        int revoked = refreshTokens.revokeAllOf(user.id());
        AUDIT.info("Sessions revoked: user {} by admin {} (token {}), {} refresh token(s) revoked", user.id(),
                caller.id(), caller.jti(), revoked);
        return new Revoked(user.id().toString(), revoked);
    }

    /** The answer: which user, and how many refresh tokens were revoked. */
    @Serdeable
    public record Revoked(String userId, int refreshTokensRevoked) {
    }
}
