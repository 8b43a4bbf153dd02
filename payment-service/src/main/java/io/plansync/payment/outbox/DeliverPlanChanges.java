package io.plansync.payment.outbox;

import io.plansync.payment.identity.IdentityClient;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.ServiceTokens;
import io.plansync.payment.identity.ServiceTokenIssuer;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One delivery attempt of a batch of outbox rows to identity-service: one request to
 * {@code POST /admin/plan-changes} with one fresh service token, and what to do next with each row.
 *
 * <p>Which answers are retried and which go dead: {@link OutcomeRules}.
 */
@Singleton
public class DeliverPlanChanges {
    private static final Logger LOG = LoggerFactory.getLogger(DeliverPlanChanges.class);
    public static final String UPDATED_BY = ServiceTokens.CLIENT_PAYMENT_SERVICE;

    private final IdentityClient identity;
    private final ServiceTokenIssuer tokens;
    private final Duration readTimeout;

    public DeliverPlanChanges(IdentityClient identity, ServiceTokenIssuer tokens,
                              @Value("${micronaut.http.services.identity.read-timeout:5s}") Duration readTimeout) {
        this.identity = identity;
        this.tokens = tokens;
        this.readTimeout = readTimeout;
    }

    /** @return one outcome per row, in the rows' order */
    public List<Outcome> attempt(List<Outbox.Row> rows) {
        List<PlanChangeBatch.Change> changes = new ArrayList<>(rows.size());
        for (Outbox.Row row : rows) {
            changes.add(new PlanChangeBatch.Change(row.userId().toString(), row.plan(), row.status(), UPDATED_BY,
                    // A plan bought once does not expire (null); a subscription's lasts until its paid time ends.
                    row.sourceEventAt().toString(), row.eventId(),
                    row.validUntil() == null ? null : row.validUntil().toString()));
        }
        String correlationId = UUID.randomUUID().toString();
        if (LOG.isDebugEnabled()) {
            LOG.debug("Delivery {} carries outbox rows {}", correlationId, rows.stream().map(Outbox.Row::id).toList());
        }
        try {
            HttpResponse<PlanChangeBatch.Response> response = identity.changePlans(
                    "Bearer " + tokens.issue(Scopes.USERS_PLAN_WRITE), ServiceTokens.CLIENT_PAYMENT_SERVICE,
                    correlationId, new PlanChangeBatch.Request(changes));
            if (response.code() != 200) {
                // The declarative client hands some refusals (404) back as a response instead of throwing.
                return all(rows, refused(response.code(), response.getBody(Map.class).orElse(null)));
            }
            return perChange(rows, response.getBody().map(PlanChangeBatch.Response::results).orElse(List.of()));
        } catch (HttpClientResponseException e) {
            return all(rows, refused(e.getStatus().getCode(), problemBody(e)));
        } catch (HttpClientException e) {
            return all(rows, new Outcome(OutcomeRules.networkFailure(), null,
                    "identity unreachable: " + NetworkFailures.describe(e, readTimeout)));
        } catch (RuntimeException e) {
            // Recorded like any failed attempt (and dead after the last), rather than a round that fails unseen.
            LOG.error("Delivery {} failed unexpectedly", correlationId, e);
            return all(rows, Outcome.retry(null, "delivery failed unexpectedly (logged with correlation id "
                    + correlationId + ")"));
        }
    }

    private static List<Outcome> perChange(List<Outbox.Row> rows, List<PlanChangeBatch.Result> results) {
        List<Outcome> outcomes = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            PlanChangeBatch.Result result = i < results.size() ? results.get(i) : null;
            if (result == null || !rows.get(i).eventId().equals(result.eventId())) {
                outcomes.add(Outcome.retry(200, "identity answered no result for this change"));
            } else if (result.status() == 200) {
                outcomes.add(Outcome.delivered(200));
            } else {
                String reason = "identity answered " + result.status()
                        + (result.code() == null ? "" : " " + result.code());
                outcomes.add(new Outcome(OutcomeRules.singleChange(result.status()), result.status(), reason));
            }
        }
        return outcomes;
    }

    private static Outcome refused(int status, @Nullable Map<?, ?> problem) {
        Object code = problem == null ? null : problem.get("code");
        String reason = "identity answered " + status + (code == null ? "" : " " + code);
        return new Outcome(OutcomeRules.wholeRequest(status), status, reason);
    }

    private static List<Outcome> all(List<Outbox.Row> rows, Outcome outcome) {
        return Collections.nCopies(rows.size(), outcome);
    }

    private static @Nullable Map<?, ?> problemBody(HttpClientResponseException e) {
        try {
            return e.getResponse().getBody(Map.class).orElse(null);
        } catch (RuntimeException ignored) {
            return null;
        }
    }

    public record Outcome(Kind kind, @Nullable Integer httpStatus, @Nullable String reason) {
        /** What became of the row; {@link #wire()} names it in outbox_attempts.outcome and in metrics. */
        public enum Kind {
            DELIVERED, RETRY, DEAD;

            public String wire() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        static Outcome delivered(int status) {
            return new Outcome(Kind.DELIVERED, status, null);
        }

        static Outcome retry(@Nullable Integer status, String reason) {
            return new Outcome(Kind.RETRY, status, reason);
        }

    }
}
