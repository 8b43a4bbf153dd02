package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.contracts.PlanChangeRequest;
import io.plansync.contracts.PlanChangeResponse;
import io.plansync.identity.accounts.User;
import io.plansync.identity.accounts.UserIds;
import io.plansync.identity.callers.Caller;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Sets a user's plan for an admin or a trusted service, idempotently and in source-event order: a change older
 * than the user's current plan, or with an already applied event id, changes nothing ({@code applied:false}).
 * Every attempt by a verified caller, accepted or refused, leaves an audit entry; an applied change and its entry
 * commit together. Attempts without valid credentials are counted and logged instead ({@link AnonymousPlanChanges}).
 */
@Singleton
public class ChangePlan {
    static final String ENDPOINT = "/admin/users/{id}/plan";

    private final PlanChangeRules rules;
    private final PlanChangeAudit audit;
    private final AnonymousPlanChanges anonymous;
    private final TransactionOperations<Connection> transactions;

    public ChangePlan(PlanChangeRules rules, PlanChangeAudit audit, AnonymousPlanChanges anonymous,
                      TransactionOperations<Connection> transactions) {
        this.rules = rules;
        this.audit = audit;
        this.anonymous = anonymous;
        this.transactions = transactions;
    }

    /**
     * @param caller       the verified caller, or null when no valid credentials came with the request
     * @param unauthorized the refusal to answer when caller is null (401, or 503 if keys were unavailable)
     * @param clientAddress where the request came from, for the limit on attempts without credentials
     */
    public PlanChangeResponse attempt(@Nullable Caller caller, ProblemException unauthorized, String userId,
                                      @Nullable String body, String clientAddress) {
        if (caller == null) {
            throw anonymous.refuse(ENDPOINT, clientAddress, userId, unauthorized);
        }
        rules.checkInput(body);
        PlanChange.Parsed parsed = rules.parse(rules.read(body, PlanChangeRequest.class));
        PlanChangeAttempt attempt = PlanChangeAttempt.of(caller, userId, parsed);
        ProblemException refusal = PlanChangeRules.refusal(caller, unauthorized);
        if (refusal == null && parsed.change() == null) {
            refusal = ProblemException.validation(parsed.errors());
        }
        if (refusal != null) {
            throw refuse(attempt, refusal);
        }
        PlanChange change = parsed.change();
        Optional<UUID> id = UserIds.parse(userId);
        if (id.isEmpty()) {
            throw refuse(attempt, UserIds.notFound());
        }
        Optional<PlanChangeRules.Outcome> outcome = transactions.executeWrite(
                status -> apply(status.getConnection(), id.get(), change, attempt));
        if (outcome.isEmpty()) {
            throw UserIds.notFound();
        }
        return new PlanChangeResponse(true, userId, change.plan().wire(), change.status().wire(), change.updatedBy(),
                change.timestamp().toString(), outcome.get().applied());
    }

    /** @return the outcome, or empty when there is no such user */
    private Optional<PlanChangeRules.Outcome> apply(Connection connection, UUID id, PlanChange change,
                                                    PlanChangeAttempt attempt) throws SQLException {
        User user = rules.lock(id).orElse(null);
        if (user == null) {
            audit.save(attempt.refused(UserIds.notFound()));
            return Optional.empty();
        }
        PlanChangeRules.Outcome outcome = rules.applyAll(connection, Map.of(id, user),
                List.of(new PlanChangeRules.Pending(id, change))).getFirst().outcome();
        audit.save(attempt.entry(user, outcome.auditName, 200, null));
        return Optional.of(outcome);
    }

    private ProblemException refuse(PlanChangeAttempt attempt, ProblemException problem) {
        audit.save(attempt.refused(problem));
        return problem;
    }
}
