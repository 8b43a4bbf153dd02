package io.plansync.payment.console;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * plansync.console.*: the operator console.
 *
 * @param roleMaxAge how long after sign-in the roles identity-service's token named admit a session to the console;
 *                   then the operator signs in again, so that a role taken away at identity-service stops working
 *                   within this time even when nobody revokes the session
 */
@ConfigurationProperties("plansync.console")
public record ConsoleProperties(@NotNull Duration roleMaxAge) {
}
