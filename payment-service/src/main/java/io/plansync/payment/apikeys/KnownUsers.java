package io.plansync.payment.apikeys;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.plansync.contracts.ProblemCodes;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.ServiceTokens;
import io.plansync.contracts.UserLookup;
import io.plansync.payment.identity.IdentityClient;
import io.plansync.payment.identity.ServiceTokenIssuer;
import io.plansync.support.correlation.CorrelationId;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

/**
 * Asks identity-service whether a user id an API caller names is a user, before anything is bought for it: a typo
 * must not create a Stripe customer for nobody.
 */
@Singleton
public class KnownUsers {
    private static final Logger LOG = LoggerFactory.getLogger(KnownUsers.class);

    private final IdentityClient identity;
    private final ServiceTokenIssuer tokens;

    public KnownUsers(IdentityClient identity, ServiceTokenIssuer tokens) {
        this.identity = identity;
        this.tokens = tokens;
    }

    /** 404 {@code USER_NOT_FOUND} when identity has no such user; 503 when it cannot be asked. */
    public void requireExists(UUID userId) {
        UserLookup.Response found;
        try {
            HttpResponse<UserLookup.Response> response = identity.lookup("Bearer " + tokens.issue(Scopes.USERS_READ),
                    ServiceTokens.CLIENT_PAYMENT_SERVICE, CorrelationId.current().orElse(UUID.randomUUID().toString()),
                    new UserLookup.Request(List.of(userId.toString())));
            found = response.getBody().orElseThrow(() -> new HttpClientException("empty answer"));
        } catch (HttpClientResponseException e) {
            LOG.warn("identity answered {} to a lookup of user {}", e.getStatus().getCode(), userId);
            throw unavailable();
        } catch (HttpClientException e) {
            LOG.warn("identity unreachable for a lookup of user {}: {}", userId, e.getClass().getSimpleName());
            throw unavailable();
        }
        if (found.users().stream().noneMatch(u -> userId.toString().equals(u.id()))) {
            throw new ProblemException(HttpStatus.NOT_FOUND, ProblemCodes.USER_NOT_FOUND, "Not found",
                    "No such user.");
        }
    }

    private static ProblemException unavailable() {
        return ProblemException.unavailable("identity-service cannot be asked about this user now; try again shortly.");
    }
}
