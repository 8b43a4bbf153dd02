package io.plansync.bench;

import io.plansync.contracts.PlanChangeBatch;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's options, as {@code --name value} pairs ({@code --peer} may stand alone); unknown names are ignored.
 *
 * @param seconds          --seconds: each pgbench and each measured ingest phase
 * @param clientCounts     --clients 8,32,64
 * @param rounds           --rounds: pgbench-then-ingest rounds per client count (the median round is reported)
 * @param rate             --rate: events per second in the sync latency phase
 * @param latencySeconds   --latency-seconds: the sync latency phase, and the ingest-during-drain phase's load with
 *                         no drain going on
 * @param backlog          --backlog: plans queued while identity-service is down (the backlog drain, and the
 *                         ingest-during-drain phase's backlog)
 * @param users            --users: events go to them in turn
 * @param warmupSeconds    --warmup: seconds at 32 clients, not measured, before the JIT is checked
 * @param warmupMaxSeconds --warmup-max: the most the warm-up takes, settled or not
 * @param relay            --relay off: the webhook path alone (no latency or backlog phase)
 * @param aot              --aot off: no start-up with a JDK AOT cache
 * @param maxBackoff       --max-backoff: the outbox relay's longest retry delay
 * @param identityJvm      --identity-jvm: extra JVM options for identity-service, e.g. a profiler
 * @param paymentJvm       --payment-jvm: extra JVM options for payment-service
 * @param reconcileUsers   --reconcile-users: users a reconciliation compares with identity-service (0: skip it)
 * @param peer             --peer: also load the peer (bench/peer, installed by bench/run) in every round
 * @param slowBacklog      --slow-backlog: plans the relay drains with identity-service answering at once, then again
 *                         with it answering --slow-delay later (0: skip, and no proxy in front of identity-service)
 * @param slowDelayMillis  --slow-delay: milliseconds added to each of identity-service's answers in that drain
 * @param drainLoadRate    --drain-load-rate: webhooks per second sent while the --backlog drains, and without a
 *                         drain for comparison (0: skip)
 * @param identityClients  --identity-clients 1,2,4: batches in flight straight to identity-service's batch
 *                         endpoint, --seconds each (0: skip)
 */
record BenchOptions(int seconds, List<Integer> clientCounts, int rounds, int rate, int latencySeconds, int backlog,
                    int users, int warmupSeconds, int warmupMaxSeconds, boolean relay, boolean aot, String maxBackoff,
                    List<String> identityJvm, List<String> paymentJvm, int reconcileUsers, boolean peer,
                    int slowBacklog, int slowDelayMillis, int drainLoadRate, List<Integer> identityClients) {

    /** The most --identity-clients: the phase's HTTP client pools this many connections. */
    static final int MAX_IDENTITY_CLIENTS = 64;

    /** Refuses, before anything is started, options a phase would only refuse after the earlier phases ran. */
    BenchOptions {
        if (identityClients.stream().anyMatch(n -> n > MAX_IDENTITY_CLIENTS)) {
            throw new IllegalArgumentException("--identity-clients: at most " + MAX_IDENTITY_CLIENTS);
        }
        if (!identityClients.isEmpty() && users < PlanChangeBatch.MAX_CHANGES) {
            throw new IllegalArgumentException("--users: at least " + PlanChangeBatch.MAX_CHANGES
                    + " with --identity-clients (one batch holds that many users' changes)");
        }
    }

    /** Options that mean "on" when given without a value. */
    private static final Set<String> FLAGS = Set.of("peer");

    static BenchOptions parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].replaceFirst("^--", "");
            boolean bareFlag = FLAGS.contains(name) && (i + 1 == args.length || args[i + 1].startsWith("--"));
            given.put(name, bareFlag ? "on" : i + 1 < args.length ? args[++i] : "");
        }
        return new BenchOptions(
                number(given, "seconds", 10),
                numbers(given.getOrDefault("clients", "8,32,64")),
                Math.max(1, number(given, "rounds", 3)),
                number(given, "rate", 500),
                number(given, "latency-seconds", 20),
                number(given, "backlog", 50_000),
                number(given, "users", 120_000),
                number(given, "warmup", 60),
                number(given, "warmup-max", 300),
                !"off".equals(given.get("relay")),
                !"off".equals(given.get("aot")),
                given.getOrDefault("max-backoff", "2s"),
                words(given.get("identity-jvm")),
                words(given.get("payment-jvm")),
                number(given, "reconcile-users", 200_000),
                "on".equals(given.get("peer")),
                number(given, "slow-backlog", 20_000),
                number(given, "slow-delay", 20),
                number(given, "drain-load-rate", 300),
                numbers(given.getOrDefault("identity-clients", "1,2,4")));
    }

    private static int number(Map<String, String> given, String name, int fallback) {
        return Integer.parseInt(given.getOrDefault(name, Integer.toString(fallback)));
    }

    /** e.g. "1,2,4"; "0" is none. */
    private static List<Integer> numbers(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).filter(n -> n > 0).toList();
    }

    private static List<String> words(String value) {
        return value == null ? List.of() : List.of(value.trim().split("\\s+"));
    }
}
