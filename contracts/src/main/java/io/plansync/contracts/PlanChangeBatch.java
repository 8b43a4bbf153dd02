package io.plansync.contracts;

import java.util.List;

/**
 * {@code POST /admin/plan-changes} on identity-service: up to {@link #MAX_CHANGES} plan changes in one request and
 * one transaction, each with exactly the rules of {@code PUT /admin/users/{id}/plan} (idempotent by eventId, stale
 * by timestamp, audited). The outbox relay delivers with it: one service token and one round trip per batch
 * instead of per plan. Needs the same credentials as the single endpoint (scope {@code users:plan:write}).
 */
public final class PlanChangeBatch {
    public static final String PATH = "/admin/plan-changes";
    public static final int MAX_CHANGES = 100;

    private PlanChangeBatch() {
    }

    /** The request body: {@code {"changes": [...]}}, 1 to {@link #MAX_CHANGES} items. */
    public record Request(List<Change> changes) {
    }

    /** One change: a {@link PlanChangeRequest} plus the user it is for ({@code validUntil} optional, as there). */
    public record Change(String userId, String plan, String status, String updatedBy, String timestamp,
                         String eventId, String validUntil) {
    }

    /** The 200 answer: one result per change, in the request's order. */
    public record Response(List<Result> results) {
    }

    /**
     * What became of one change. {@code status} is what {@code PUT /admin/users/{id}/plan} would have answered for
     * it alone: 200 (then {@code applied} as there: false when stale or a duplicate), 400 {@code VALIDATION_FAILED}
     * or 404 {@code USER_NOT_FOUND}; {@code code} and {@code detail} are set only when status is not 200.
     */
    public record Result(String userId, String eventId, int status, boolean applied, String code, String detail) {
    }
}
