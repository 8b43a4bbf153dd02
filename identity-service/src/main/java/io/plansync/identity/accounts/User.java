package io.plansync.identity.accounts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.plansync.contracts.UserView;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** A user account. {@code roles} is space separated; {@code planChangedAt} is the source time of the current plan. */
@MappedEntity("users")
public record User(@Id UUID id,
                   String email,
                   String passwordHash,
                   String roles,
                   String plan,
                   String status,
                   @Nullable Instant planChangedAt,
                   Instant createdAt,
                   Instant updatedAt) {

    public List<String> roleList() {
        return Arrays.stream(roles.trim().split("\\s+")).filter(r -> !r.isEmpty()).toList();
    }

    /** This user after a plan change ({@code updatedAt} aside). */
    public User withPlan(String newPlan, String newStatus, Instant newPlanChangedAt) {
        return new User(id, email, passwordHash, roles, newPlan, newStatus, newPlanChangedAt, createdAt, updatedAt);
    }

    public UserView view() {
        return new UserView(id.toString(), email, plan, status, updatedAt.toString());
    }
}
