package io.plansync.identity.accounts;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpStatus;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Argon2id password hashes (PHC string format), via password4j. Hashing takes a {@link Turn}, of which there are
 * only as many as fit in the heap and the CPUs (see {@link PasswordProperties#concurrentHashes}): a flood of logins
 * waits at most {@code maxWait} for one and then gets 503 SERVICE_BUSY, instead of running the JVM out of memory.
 * The work itself runs on platform threads of its own: requests run on virtual threads, and Argon2 on their few
 * carrier threads would starve every other request (database connections held mid-transaction, /health) of CPU.
 * Metrics: {@value #HASHES} (time per hash or check, by operation), {@value #BUSY} (refused for want of a turn).
 */
@Singleton
public class PasswordHasher {
    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;
    static final String HASHES = "plansync.password.hashes";
    static final String BUSY = "plansync.password.busy";
    private static final Logger LOG = LoggerFactory.getLogger(PasswordHasher.class);

    private final Argon2Function argon2;
    private final Semaphore turns;
    /** As many threads as turns: work done in a turn never waits for a thread. */
    private final ExecutorService hashing;
    private final Duration maxWait;
    private final Timer hashes;
    private final Timer checks;
    private final Counter busyRefusals;
    /** Checked against when the email is unknown or invalid, so every failure costs the same time. */
    private final String decoyHash;

    public PasswordHasher(PasswordProperties properties, MeterRegistry metrics) {
        this.argon2 = Argon2Function.getInstance(properties.memoryKib(), properties.iterations(),
                properties.parallelism(), 32, Argon2.ID);
        int concurrent = properties.concurrentHashes(Runtime.getRuntime().maxMemory(),
                Runtime.getRuntime().availableProcessors());
        this.turns = new Semaphore(concurrent, true);
        this.hashing = Executors.newFixedThreadPool(concurrent,
                Thread.ofPlatform().name("password-hashing-", 1).daemon().factory());
        this.maxWait = properties.maxWait();
        this.hashes = Timer.builder(HASHES).tag("operation", "hash").register(metrics);
        this.checks = Timer.builder(HASHES).tag("operation", "check").register(metrics);
        this.busyRefusals = Counter.builder(BUSY).register(metrics);
        LOG.info("Password hashing: Argon2id {} KiB, {} iterations; at most {} at once", properties.memoryKib(),
                properties.iterations(), concurrent);
        this.decoyHash = Password.hash("decoy password that matches nothing").addRandomSalt(16).with(argon2)
                .getResult();
    }

    /**
     * Waits up to {@code maxWait} for a turn to hash; close it when done. A login takes its turn before any other
     * work of its own, so requests beyond what can be hashed are refused before the lock-out and the user lookup.
     *
     * @throws ProblemException 503 SERVICE_BUSY with Retry-After when no turn came in time
     */
    public Turn turn() {
        boolean acquired;
        try {
            acquired = turns.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            busyRefusals.increment();
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, ProblemCodes.SERVICE_BUSY, "Busy",
                    "Too many passwords are being checked right now; retry shortly.", List.of(),
                    Map.of(HttpHeaders.RETRY_AFTER, "1"));
        }
        return new Turn();
    }

    /** Hashes a new password in a turn of its own. */
    public String hash(String password) {
        try (Turn turn = turn()) {
            return turn.hash(password);
        }
    }

    /** Checks a password in a turn of its own. */
    public boolean matches(String password, String hash) {
        try (Turn turn = turn()) {
            return turn.matches(password, hash);
        }
    }

    static boolean isStrongEnough(String password) {
        return password != null && password.length() >= MIN_LENGTH && password.length() <= MAX_LENGTH;
    }

    @PreDestroy
    void stop() {
        hashing.shutdownNow();
    }

    /** One slot of hashing memory, held until closed; its work runs one piece at a time on the hashing threads. */
    public final class Turn implements AutoCloseable {
        private Future<?> running;
        private boolean closed;

        private Turn() {
        }

        public String hash(String password) {
            return run(hashes, () -> Password.hash(password).addRandomSalt(16).with(argon2).getResult());
        }

        public boolean matches(String password, String hash) {
            return run(checks, () -> Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash)));
        }

        /** The work of a check that cannot succeed: for an unknown or invalid email. */
        public void spendDecoyCheck(String password) {
            matches(password, decoyHash);
        }

        private <T> T run(Timer timer, Callable<T> work) {
            if (closed) {
                throw new IllegalStateException("turn already closed");
            }
            Future<T> result = hashing.submit(() -> timer.recordCallable(work));
            running = result;
            try {
                T value = result.get();
                running = null;
                return value;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while hashing", e);
            } catch (ExecutionException e) {
                running = null;
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        /** Gives the turn back, once any work still running in it (its caller was interrupted) has ended. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (running != null) {
                boolean interrupted = false;
                while (!running.isDone()) {
                    try {
                        running.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        break;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            turns.release();
        }
    }
}
