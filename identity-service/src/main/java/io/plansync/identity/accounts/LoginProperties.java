package io.plansync.identity.accounts;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/** identity.login.*: after {@code maxFailures} failed logins for one email within {@code window}, refuse it. */
@ConfigurationProperties("identity.login")
public record LoginProperties(@Min(1) int maxFailures, @NotNull Duration window) {
}
