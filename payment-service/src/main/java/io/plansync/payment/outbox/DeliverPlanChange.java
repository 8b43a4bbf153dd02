package io.plansync.payment.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.plansync.contracts.PlanChangeRequest;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.ServiceTokens;
import io.plansync.payment.keys.ServiceTokenIssuer;
import io.plansync.support.correlation.CorrelationId;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * One delivery attempt of an outbox row to identity-service, with a fresh service token, and what to do next:
 * 2xx is done (applied or not: identity is idempotent); 429, 408, 5xx and network failures are retried; any other
 * refusal (400, 401, 403, 404, ...) needs a human and goes dead at once.
 */
@Singleton
public class DeliverPlanChange {
    public static final String UPDATED_BY = ServiceTokens.CLIENT_PAYMENT_SERVICE;

    private final IdentityClient identity;
    private final ServiceTokenIssuer tokens;

    public DeliverPlanChange(IdentityClient identity, ServiceTokenIssuer tokens) {
        this.identity = identity;
        this.tokens = tokens;
    }

    public Outcome attempt(Outbox.Row row) {
        var body = new PlanChangeRequest(row.plan(), row.status(), UPDATED_BY, row.sourceEventAt().toString(),
                row.eventId());
        try {
            var response = identity.changePlan(row.userId().toString(),
                    "Bearer " + tokens.issue(Scopes.USERS_PLAN_WRITE), ServiceTokens.CLIENT_PAYMENT_SERVICE,
                    CorrelationId.acceptOrCreate(row.correlationId()), body);
            // The declarative client hands some refusals (404) back as a response instead of throwing.
            return classify(response.code(), response.getBody(Map.class).orElse(null));
        } catch (HttpClientResponseException e) {
            return classify(e.getStatus().getCode(), problemBody(e));
        } catch (HttpClientException e) {
            return Outcome.retry(null, "identity unreachable: " + e.getClass().getSimpleName());
        }
    }

    private static Outcome classify(int status, @Nullable Map<?, ?> problem) {
        if (status >= 200 && status < 300) {
            return Outcome.delivered(status);
        }
        Object code = problem == null ? null : problem.get("code");
        String reason = "identity answered " + status + (code == null ? "" : " " + code);
        boolean transientFailure = status == 429 || status == 408 || status >= 500;
        return transientFailure ? Outcome.retry(status, reason) : Outcome.dead(status, reason);
    }

    private static @Nullable Map<?, ?> problemBody(HttpClientResponseException e) {
        try {
            return e.getResponse().getBody(Map.class).orElse(null);
        } catch (RuntimeException ignored) {
            return null;
        }
    }

    public record Outcome(Kind kind, @Nullable Integer httpStatus, @Nullable String reason) {
        public enum Kind { DELIVERED, RETRY, DEAD }

        static Outcome delivered(int status) {
            return new Outcome(Kind.DELIVERED, status, null);
        }

        static Outcome retry(@Nullable Integer status, String reason) {
            return new Outcome(Kind.RETRY, status, reason);
        }

        static Outcome dead(@Nullable Integer status, String reason) {
            return new Outcome(Kind.DEAD, status, reason);
        }
    }
}
