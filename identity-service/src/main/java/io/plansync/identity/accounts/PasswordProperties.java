package io.plansync.identity.accounts;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * identity.passwords.*: the Argon2id cost, and how many hashes may run at once. Each hash holds
 * {@code memoryKib} of heap while it runs, so a burst of logins must not start them all at once.
 *
 * @param maxConcurrent at most this many hashes at once; 0: as many as fit in {@code heapShare} of the max heap,
 *                      and no more than there are CPUs (more would only make each one slower)
 * @param heapShare     the share of the max heap hashing may use when {@code maxConcurrent} is 0
 * @param maxWait       how long a login or registration waits for a turn before it is answered 503
 */
@ConfigurationProperties("identity.passwords")
public record PasswordProperties(@Min(1024) int memoryKib, @Min(1) int iterations, @Min(1) int parallelism,
                                 @Min(0) int maxConcurrent,
                                 @DecimalMin("0.01") @DecimalMax("0.9") double heapShare,
                                 @NotNull Duration maxWait) {

    /** How many hashes may run at once, given the JVM's max heap in bytes and its CPUs. At least one. */
    int concurrentHashes(long maxHeapBytes, int cpus) {
        if (maxConcurrent > 0) {
            return maxConcurrent;
        }
        long fit = (long) (maxHeapBytes * heapShare) / (memoryKib * 1024L);
        return (int) Math.max(1, Math.min(cpus, fit));
    }
}
