package io.plansync.payment.apikeys;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * plansync.api-keys.*: the developer API (/v1) and its keys.
 *
 * @param defaultRequestsPerMinute a new key's rate limit unless one is given
 * @param maxRequestsPerMinute     the most a key may be given
 * @param requestsPerDay           every key's daily quota
 * @param defaultOverlap           how long a rotated key keeps working beside its successor unless told
 * @param maxOverlap               the longest overlap a rotation may ask for
 */
@ConfigurationProperties("plansync.api-keys")
public record ApiKeyProperties(@Min(1) int defaultRequestsPerMinute, @Min(1) int maxRequestsPerMinute,
                               @Min(1) int requestsPerDay, @NotNull Duration defaultOverlap,
                               @NotNull Duration maxOverlap) {
}
