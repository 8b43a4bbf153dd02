package io.plansync.identity.accounts;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;

/** identity.passwords.*: the Argon2id cost. */
@ConfigurationProperties("identity.passwords")
public record PasswordProperties(@Min(1024) int memoryKib, @Min(1) int iterations, @Min(1) int parallelism) {
}
