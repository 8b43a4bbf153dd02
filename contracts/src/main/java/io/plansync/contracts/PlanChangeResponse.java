package io.plansync.contracts;

/**
 * Answer of {@code PUT /admin/users/{id}/plan}. {@code applied} is false when the change was stale or a duplicate,
 * in which case nothing changed and the plan and status are the request's.
 */
public record PlanChangeResponse(boolean success, String userId, String plan, String status, String updatedBy,
                                 String timestamp, boolean applied) {
}
