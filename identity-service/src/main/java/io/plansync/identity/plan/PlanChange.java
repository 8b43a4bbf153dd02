package io.plansync.identity.plan;

import io.micronaut.core.annotation.Nullable;
import io.plansync.contracts.Plan;
import io.plansync.contracts.PlanChangeRequest;
import io.plansync.contracts.PlanStatus;
import io.plansync.support.problem.Problem;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** A validated plan-change request; {@code validUntil} null: the plan does not expire. */
record PlanChange(Plan plan, PlanStatus status, String updatedBy, Instant timestamp, @Nullable String eventId,
                  @Nullable Instant validUntil) {
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /** The request's fields as far as they can be read, for the audit trail even when invalid. */
    record Parsed(@Nullable PlanChangeRequest request, @Nullable PlanChange change, List<Problem.FieldError> errors) {
    }

    /**
     * @param latest the latest source time accepted: a change from the future would win over every real one that
     *               follows it, so beyond the allowed clock skew it is refused
     */
    static Parsed parse(@Nullable PlanChangeRequest request, Instant latest) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (request == null) {
            errors.add(new Problem.FieldError("body", "a JSON object is required"));
            return new Parsed(null, null, errors);
        }
        Plan plan = Plan.fromWire(request.plan()).orElse(null);
        if (plan == null) {
            errors.add(new Problem.FieldError("plan", "must be one of free, pro, enterprise"));
        }
        PlanStatus status = PlanStatus.fromWire(request.status()).orElse(null);
        if (status == null) {
            errors.add(new Problem.FieldError("status", "must be one of " + PlanStatus.wireList()));
        }
        String updatedBy = request.updatedBy();
        if (updatedBy == null || updatedBy.isBlank() || updatedBy.length() > 100) {
            errors.add(new Problem.FieldError("updatedBy", "is required (at most 100 characters)"));
        }
        Instant timestamp = timestamp(request.timestamp());
        if (timestamp == null) {
            errors.add(new Problem.FieldError("timestamp", "must be an ISO-8601 date-time with offset, 1970 to 9999"));
        } else if (timestamp.isAfter(latest)) {
            errors.add(new Problem.FieldError("timestamp",
                    "must not be in the future (beyond the allowed clock skew)"));
            timestamp = null;
        }
        String eventId = request.eventId();
        if (eventId != null && (eventId.isBlank() || eventId.length() > 255)) {
            errors.add(new Problem.FieldError("eventId", "must be 1 to 255 characters when present"));
        }
        Instant validUntil = timestamp(request.validUntil());
        if (request.validUntil() != null && validUntil == null) {
            errors.add(new Problem.FieldError("validUntil",
                    "must be an ISO-8601 date-time with offset, 1970 to 9999, when present"));
        } else if (validUntil != null && timestamp != null && validUntil.isBefore(timestamp)) {
            errors.add(new Problem.FieldError("validUntil", "must not be before timestamp"));
        }
        PlanChange change = errors.isEmpty()
                ? new PlanChange(plan, status, updatedBy, timestamp, eventId, validUntil) : null;
        return new Parsed(request, change, errors);
    }

    private static @Nullable Instant timestamp(@Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            Instant instant = OffsetDateTime.parse(value).toInstant();
            // Within what PostgreSQL's timestamptz holds, so that an odd year is a 400 and not a failed transaction.
            return instant.isBefore(EARLIEST) || instant.isAfter(LATEST) ? null : instant;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
