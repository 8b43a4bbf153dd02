package io.plansync.payment.webhook;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * plansync.webhook.group-commit.*: how many transactions accept concurrent payment events at once (each holds a
 * database connection), and how many events one of them takes at most.
 */
@ConfigurationProperties("plansync.webhook.group-commit")
public record GroupCommitProperties(@Min(1) @Max(16) int committers,
                                    @Min(1) @Max(500) int maxEvents) {
}
