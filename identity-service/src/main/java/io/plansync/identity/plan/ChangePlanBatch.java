package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.PlanChangeRequest;
import io.plansync.identity.accounts.User;
import io.plansync.identity.accounts.UserIds;
import io.plansync.identity.callers.Caller;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Applies up to {@link PlanChangeBatch#MAX_CHANGES} plan changes in one transaction, each with exactly the rules
 * of {@link ChangePlan} and its own result and audit entry, so a relay pays one round trip and one commit per
 * batch instead of per plan. Only the caller and the shape of the whole body can refuse the whole request.
 * Attempts without valid credentials are counted and logged, not audited ({@link AnonymousPlanChanges}).
 */
@Singleton
public class ChangePlanBatch {
    private final PlanChangeRules rules;
    private final AnonymousPlanChanges anonymous;
    private final TransactionOperations<Connection> transactions;

    public ChangePlanBatch(PlanChangeRules rules, AnonymousPlanChanges anonymous,
                           TransactionOperations<Connection> transactions) {
        this.rules = rules;
        this.anonymous = anonymous;
        this.transactions = transactions;
    }

    /**
     * @param caller       the verified caller, or null when no valid credentials came with the request
     * @param unauthorized the refusal to answer when caller is null (401, or 503 if keys were unavailable)
     * @param clientAddress where the request came from, for the limit on attempts without credentials
     * @return one result per change, in the request's order
     */
    public PlanChangeBatch.Response attempt(@Nullable Caller caller, ProblemException unauthorized,
                                            @Nullable String body, String clientAddress) {
        if (caller == null) {
            throw anonymous.refuse(PlanChangeBatch.PATH, clientAddress, null, unauthorized);
        }
        rules.checkInput(body);
        PlanChangeBatch.Request request = rules.read(body, PlanChangeBatch.Request.class);
        ProblemException refusal = PlanChangeRules.refusal(caller, unauthorized);
        if (refusal == null) {
            refusal = shapeProblem(request);
        }
        if (refusal != null) {
            throw refuse(caller, refusal);
        }
        List<Item> items = items(caller, request, rules.latestTimestamp());
        PlanChangeBatch.Result[] results = new PlanChangeBatch.Result[items.size()];
        List<PlanChangeAudit.Entry> entries = new ArrayList<>(items.size());
        List<Item> valid = new ArrayList<>(items.size());
        for (Item item : items) {
            if (!item.errors().isEmpty()) {
                ProblemException invalid = ProblemException.validation(item.errors());
                results[item.index()] = item.refused(invalid, item.errors().stream()
                        .map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; ")));
                entries.add(item.attempt().refused(invalid));
            } else if (item.userId() == null) {
                results[item.index()] = item.notFound();
                entries.add(item.attempt().refused(UserIds.notFound()));
            } else {
                valid.add(item);
            }
        }
        // Each user's changes in time order, as if sent one by one (stable: equal times keep the request's order).
        valid.sort(Comparator.comparing(Item::userId).thenComparing(item -> item.change().timestamp()));
        transactions.executeWrite(status -> {
            apply(status.getConnection(), valid, results, entries);
            // One statement; the entries commit with the changes they describe.
            PlanChangeAudit.insertAll(status.getConnection(), entries);
            return null;
        });
        return new PlanChangeBatch.Response(Arrays.asList(results));
    }

    /** Applies changes sorted by user and time, as if one by one (see {@link PlanChangeRules#applyAll}). */
    private void apply(Connection connection, List<Item> sorted, PlanChangeBatch.Result[] results,
                       List<PlanChangeAudit.Entry> entries) throws SQLException {
        Map<UUID, User> users = rules.lockAll(sorted.stream().map(Item::userId).distinct().toList());
        List<Item> known = new ArrayList<>(sorted.size());
        for (Item item : sorted) {
            if (users.containsKey(item.userId())) {
                known.add(item);
            } else {
                results[item.index()] = item.notFound();
                entries.add(item.attempt().refused(UserIds.notFound()));
            }
        }
        List<PlanChangeRules.Applied> applied = rules.applyAll(connection, users, known.stream()
                .map(item -> new PlanChangeRules.Pending(item.userId(), item.change())).toList());
        for (int i = 0; i < known.size(); i++) {
            Item item = known.get(i);
            PlanChangeRules.Applied outcome = applied.get(i);
            entries.add(item.attempt().entry(outcome.before(), outcome.outcome().auditName, 200, null));
            results[item.index()] = item.ok(outcome.outcome().applied());
        }
    }

    /** 400 for a body that is not {@code {"changes": [1 to MAX_CHANGES items]}}; null when its shape is right. */
    private static @Nullable ProblemException shapeProblem(@Nullable PlanChangeBatch.Request request) {
        if (request == null) {
            return ProblemException.validation(List.of(new Problem.FieldError("body", "a JSON object is required")));
        }
        List<PlanChangeBatch.Change> changes = request.changes();
        if (changes == null || changes.isEmpty() || changes.size() > PlanChangeBatch.MAX_CHANGES) {
            return ProblemException.validation(List.of(new Problem.FieldError("changes",
                    "must be an array of 1 to " + PlanChangeBatch.MAX_CHANGES + " plan changes")));
        }
        return null;
    }

    /**
     * Audits a refusal of the whole request as one entry, whatever the body holds: anyone who can register (403)
     * must not be able to multiply writes to the append-only trail with a large body.
     */
    private ProblemException refuse(Caller caller, ProblemException problem) {
        PlanChangeAudit.Entry entry = new PlanChangeAttempt(caller, null, null, null).refused(problem);
        transactions.executeWrite(status -> {
            PlanChangeAudit.insertAll(status.getConnection(), List.of(entry));
            return null;
        });
        return problem;
    }

    /** The request's changes, parsed one by one; its shape (1 to MAX_CHANGES changes) was checked before. */
    private static List<Item> items(Caller caller, PlanChangeBatch.Request request, Instant latest) {
        List<Item> items = new ArrayList<>(request.changes().size());
        for (PlanChangeBatch.Change change : request.changes()) {
            items.add(Item.parse(items.size(), caller, change, latest));
        }
        return items;
    }

    /** One change of the batch, validated as the single endpoint validates its body. */
    private record Item(int index, @Nullable String rawUserId, @Nullable String eventId, @Nullable UUID userId,
                        @Nullable PlanChange change, List<Problem.FieldError> errors, PlanChangeAttempt attempt) {

        static Item parse(int index, Caller caller, @Nullable PlanChangeBatch.Change change, Instant latest) {
            if (change == null) {
                List<Problem.FieldError> errors = List.of(new Problem.FieldError("change", "must be a JSON object"));
                return new Item(index, null, null, null, null, errors,
                        new PlanChangeAttempt(caller, null, null, null));
            }
            PlanChange.Parsed parsed = PlanChange.parse(new PlanChangeRequest(change.plan(), change.status(),
                    change.updatedBy(), change.timestamp(), change.eventId(), change.validUntil()), latest);
            List<Problem.FieldError> errors = parsed.errors();
            // The single endpoint has the user id in its path; here a change without one is malformed, not unknown.
            if (change.userId() == null || change.userId().isBlank()) {
                errors = new ArrayList<>(errors);
                errors.addFirst(new Problem.FieldError("userId", "is required"));
            }
            UUID userId = change.userId() == null ? null : UserIds.parse(change.userId()).orElse(null);
            return new Item(index, change.userId(), change.eventId(), userId, parsed.change(), List.copyOf(errors),
                    PlanChangeAttempt.of(caller, change.userId(), parsed));
        }

        PlanChangeBatch.Result ok(boolean applied) {
            return new PlanChangeBatch.Result(rawUserId, eventId, 200, applied, null, null);
        }

        PlanChangeBatch.Result notFound() {
            ProblemException problem = UserIds.notFound();
            return refused(problem, problem.getMessage());
        }

        PlanChangeBatch.Result refused(ProblemException problem, String detail) {
            return new PlanChangeBatch.Result(rawUserId, eventId, problem.status().getCode(), false, problem.code(),
                    detail);
        }
    }
}
