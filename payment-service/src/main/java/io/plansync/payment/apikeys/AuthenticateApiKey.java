package io.plansync.payment.apikeys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.checkout.StripeProperties;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves an {@code Authorization: Bearer psk_...} header to its key: the whole secret must match the stored hash
 * (never the prefix or id alone), the key must be of this deployment's mode, not revoked, not past a rotation's
 * overlap. Anything else is 401 {@code API_KEY_INVALID}, the same for every reason so that nobody learns which ids
 * exist; the reason is logged with the key id, never the secret.
 */
@Singleton
public class AuthenticateApiKey {
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticateApiKey.class);
    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;
    private final ApiKeyFormat.Mode mode;

    public AuthenticateApiKey(ApiKeys keys, StripeProperties stripe) {
        this.keys = keys;
        this.mode = ApiKeyFormat.Mode.of(stripe.isLiveKey());
    }

    public ApiCaller authenticate(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw refused(null, "no bearer key");
        }
        Optional<ApiKeyFormat.Presented> presented = ApiKeyFormat.parse(authorization.substring(BEARER.length()));
        if (presented.isEmpty()) {
            throw refused(null, "not an API key");
        }
        ApiKeyFormat.Presented key = presented.get();
        if (key.mode() != mode) {
            throw refused(key.id(), "a " + key.mode().wire() + " key, but this deployment takes " + mode.wire()
                    + " keys");
        }
        try {
            Optional<ApiKey> stored = keys.find(key.id());
            if (stored.isEmpty() || !ApiKeyFormat.matches(stored.get().secretHash(), key.secret())) {
                throw refused(key.id(), "unknown id or wrong secret");
            }
            ApiKey found = stored.get();
            if (!found.activeAt(Instant.now())) {
                throw refused(key.id(), "the key is " + found.stateAt(Instant.now()));
            }
            keys.touch(found.id());
            return new ApiCaller(found.id(), found.name(), found.mode(), found.scopes(), found.requestsPerMinute());
        } catch (SQLException e) {
            LOG.error("API keys unavailable: {}", e.getClass().getSimpleName());
            throw ProblemException.unavailable("Try again in a moment.");
        }
    }

    private static ProblemException refused(@Nullable String keyId, String why) {
        LOG.info("API key refused{}: {}", keyId == null ? "" : " (key " + keyId + ")", why);
        return new ProblemException(HttpStatus.UNAUTHORIZED, ProblemCodes.API_KEY_INVALID, "Unauthorized",
                "A valid API key is required: Authorization: Bearer psk_...", List.of(),
                Map.of("WWW-Authenticate", "Bearer"));
    }
}
