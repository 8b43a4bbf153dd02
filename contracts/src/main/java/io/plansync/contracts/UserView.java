package io.plansync.contracts;

import java.util.List;

/**
 * A user as identity-service shows it: {@code GET /users/me} and {@code GET /admin/users/{id}}. {@code plan} and
 * {@code status} are what the user holds now: free once {@code validUntil} (null: no end) has passed;
 * {@code entitlements} are that plan's features ({@link PlanFeatures}).
 */
public record UserView(String id, String email, String plan, String status, String validUntil,
                       List<String> entitlements, String updatedAt) {
}
