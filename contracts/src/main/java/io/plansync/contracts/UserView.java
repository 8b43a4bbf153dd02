package io.plansync.contracts;

/** A user as identity-service shows it: {@code GET /users/me} and {@code GET /admin/users/{id}}. */
public record UserView(String id, String email, String plan, String status, String updatedAt) {
}
