package io.plansync.payment.apikeys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.checkout.StripeProperties;
import io.plansync.payment.operators.OperatorAudit;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * An administrator's API keys: created with a name and scopes (the secret shown once), listed with when each was
 * last used, revoked at once, or rotated: a new key with the same name, scopes and limit, while the old one keeps
 * working for an overlap so that the application can be redeployed with the new one. Every change is in the
 * operator audit, with who made it.
 */
@Singleton
public class ManageApiKeys {
    static final int MAX_NAME = 100;

    private final ApiKeys keys;
    private final ApiKeyProperties properties;
    private final ApiKeyFormat.Mode mode;
    private final OperatorAudit audit;

    public ManageApiKeys(ApiKeys keys, ApiKeyProperties properties, StripeProperties stripe, OperatorAudit audit) {
        this.keys = keys;
        this.audit = audit;
        this.properties = properties;
        this.mode = ApiKeyFormat.Mode.of(stripe.isLiveKey());
    }

    /** A key as listed: never its secret or hash. */
    @Serdeable
    public record KeyView(String id, String name, String mode, List<String> scopes, int requestsPerMinute,
                          String state, Instant createdAt, String createdBy, @Nullable Instant lastUsedAt,
                          @Nullable Instant expiresAt, @Nullable Instant revokedAt, @Nullable String revokedBy,
                          @Nullable String rotatedFrom) {
        static KeyView of(ApiKey key, Instant now) {
            return new KeyView(key.id(), key.name(), key.mode(), key.scopes(), key.requestsPerMinute(),
                    key.stateAt(now), key.createdAt(), key.createdBy(), key.lastUsedAt(), key.expiresAt(),
                    key.revokedAt(), key.revokedBy(), key.rotatedFrom());
        }
    }

    /** A new key: {@code key} is the whole secret key, shown this once. */
    @Serdeable
    public record CreatedKey(String key, KeyView apiKey) {
        @Override
        public String toString() {
            return "CreatedKey[key=***, " + apiKey + "]";
        }
    }

    public CreatedKey create(@Nullable String name, @Nullable List<String> scopes,
                             @Nullable Integer requestsPerMinute, String actor) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String cleanName = name == null ? "" : name.strip();
        if (cleanName.isEmpty() || cleanName.length() > MAX_NAME) {
            errors.add(new Problem.FieldError("name", "must be 1 to " + MAX_NAME + " characters"));
        }
        List<String> given = scopes == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(scopes));
        if (given.isEmpty() || given.stream().anyMatch(s -> s == null || ApiScope.fromWire(s).isEmpty())) {
            errors.add(new Problem.FieldError("scopes", "must be one or more of entitlements:read, plans:read, "
                    + "checkout:create"));
        }
        int limit = requestsPerMinute == null ? properties.defaultRequestsPerMinute() : requestsPerMinute;
        if (limit < 1 || limit > properties.maxRequestsPerMinute()) {
            errors.add(new Problem.FieldError("requestsPerMinute", "must be 1 to "
                    + properties.maxRequestsPerMinute()));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        CreatedKey created = issue(cleanName, List.copyOf(given), limit, actor, null);
        audit.record(actor, "api-key-create", created.apiKey().id(), "name " + created.apiKey().name()
                + ", scopes " + String.join(" ", created.apiKey().scopes()));
        return created;
    }

    public List<KeyView> list() {
        Instant now = Instant.now();
        try {
            return keys.all().stream().map(k -> KeyView.of(k, now)).toList();
        } catch (SQLException e) {
            throw unavailable();
        }
    }

    /** Revokes a key at once (every replica refuses it from its next request). */
    public KeyView revoke(String id, String actor) {
        try {
            ApiKey key = keys.find(id).orElseThrow(ManageApiKeys::notFound);
            keys.revoke(key.id(), actor);
            audit.record(actor, "api-key-revoke", id, "revoked");
            return KeyView.of(keys.find(id).orElseThrow(), Instant.now());
        } catch (SQLException e) {
            throw unavailable();
        }
    }

    /**
     * A successor with the same name, scopes and limit; the old key stays valid for {@code overlap} (the default
     * when null), so two keys are active until the application uses the new one.
     */
    public CreatedKey rotate(String id, @Nullable Duration overlap, String actor) {
        Duration window = overlap == null ? properties.defaultOverlap() : overlap;
        if (window.isNegative() || window.compareTo(properties.maxOverlap()) > 0) {
            throw ProblemException.validation(List.of(new Problem.FieldError("overlap", "must be between PT0S and "
                    + properties.maxOverlap())));
        }
        try {
            ApiKey old = keys.find(id).orElseThrow(ManageApiKeys::notFound);
            if (!old.activeAt(Instant.now())) {
                throw new ProblemException(HttpStatus.CONFLICT, ProblemCodes.CONFLICT, "Key not active",
                        "Only an active key can be rotated; this one is " + old.stateAt(Instant.now())
                                + ". Create a new key instead.");
            }
            CreatedKey next = issue(old.name(), old.scopes(), old.requestsPerMinute(), actor, old.id());
            keys.expireAt(old.id(), Instant.now().plus(window));
            audit.record(actor, "api-key-rotate", id, "successor " + next.apiKey().id());
            return next;
        } catch (SQLException e) {
            throw unavailable();
        }
    }

    private CreatedKey issue(String name, List<String> scopes, int limit, String actor, @Nullable String from) {
        ApiKeyFormat.NewKey key = ApiKeyFormat.generate(mode);
        try {
            keys.insert(key.id(), name, mode, key.secretHash(), scopes, limit, actor, from);
            return new CreatedKey(key.plaintext(), KeyView.of(keys.find(key.id()).orElseThrow(), Instant.now()));
        } catch (SQLException e) {
            throw unavailable();
        }
    }

    static ProblemException notFound() {
        return new ProblemException(HttpStatus.NOT_FOUND, ProblemCodes.NOT_FOUND, "Not found", "No such API key.");
    }

    static ProblemException unavailable() {
        return ProblemException.unavailable("Try again in a moment.");
    }
}
