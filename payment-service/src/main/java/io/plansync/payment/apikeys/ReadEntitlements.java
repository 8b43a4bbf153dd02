package io.plansync.payment.apikeys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.contracts.HeldPlan;
import io.plansync.payment.userplan.ReadUserStatus;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a user may do now, from payment-service's own record (so it answers while identity-service is down): the
 * plan they hold at this moment (free once a plan's {@code validUntil} has passed, the rule identity-service applies
 * too) and its features. A user payment-service has no record of holds the free plan.
 */
@Singleton
public class ReadEntitlements {
    private final ReadUserStatus status;

    public ReadEntitlements(ReadUserStatus status) {
        this.status = status;
    }

    @Serdeable
    public record Entitlements(String userId, String plan, String status, @Nullable String validUntil,
                               List<String> entitlements) {
    }

    public Entitlements of(UUID userId) {
        ReadUserStatus.UserStatus recorded = status.of(userId);
        Instant until = recorded.validUntil() == null ? null : Instant.parse(recorded.validUntil());
        Instant now = Instant.now();
        String held = HeldPlan.at(recorded.plan(), until, now);
        return new Entitlements(recorded.userId(), held, HeldPlan.statusAt(recorded.status(), until, now),
                recorded.validUntil(), HeldPlan.entitlementsOf(held));
    }
}
