package io.plansync.identity.accounts;

import io.plansync.identity.tokens.AccessTokenIssuer;
import io.plansync.identity.tokens.TokenProperties;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;

/** Issues an access token and a new opaque refresh token (stored only as its hash) in a token family. */
@Singleton
public class SessionIssuer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AccessTokenIssuer accessTokens;
    private final RefreshTokens refreshTokens;
    private final TokenProperties properties;
    private final Clock clock;

    public SessionIssuer(AccessTokenIssuer accessTokens, RefreshTokens refreshTokens, TokenProperties properties,
                         Clock clock) {
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.properties = properties;
        this.clock = clock;
    }

    /** Must run inside the caller's transaction when rotating, so the old token dies with the new one's birth. */
    AuthMessages.TokenPair issue(User user, UUID familyId) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String refreshToken = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        refreshTokens.insert(hash(refreshToken), familyId, user.id(),
                clock.instant().plus(properties.refreshTokenTtl()));
        String plan = user.planAt(clock.instant());
        var access = accessTokens.issue(user.id(), user.roleList(), plan, User.entitlementsOf(plan),
                user.planVersion());
        return new AuthMessages.TokenPair(access.value(), "Bearer", access.expiresInSeconds(), refreshToken);
    }

    static byte[] hash(String refreshToken) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(refreshToken.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
