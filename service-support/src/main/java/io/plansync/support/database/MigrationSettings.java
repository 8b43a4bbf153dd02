package io.plansync.support.database;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotBlank;

/**
 * Where a service's Flyway migrations are: a classpath folder of the db module, {@code db/identity} or
 * {@code db/payments}.
 */
@ConfigurationProperties("plansync.migrations")
public record MigrationSettings(@NotBlank String location) {
}
