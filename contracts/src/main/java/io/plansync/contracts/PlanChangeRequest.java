package io.plansync.contracts;

/**
 * Body of {@code PUT /admin/users/{id}/plan} on identity-service.
 *
 * @param plan      free, pro or enterprise
 * @param status    active or inactive
 * @param updatedBy who asked for the change (for example "payment-service")
 * @param timestamp ISO-8601 time of the source event; an older change never overwrites a newer one
 * @param eventId   optional id of the source event; a change with an already applied id is not applied again
 * @param validUntil optional ISO-8601 end of the paid time (a subscription's period end plus any grace): past it
 *                   identity-service reports the free plan without waiting for another change. Absent (older
 *                   senders, one-time purchases): the plan does not expire.
 */
public record PlanChangeRequest(String plan, String status, String updatedBy, String timestamp, String eventId,
                                String validUntil) {
}
