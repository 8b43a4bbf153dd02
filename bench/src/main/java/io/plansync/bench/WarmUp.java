package io.plansync.bench;

import io.plansync.bench.ProcessSampling.JitShare;
import io.plansync.bench.ProcessSampling.JitShares;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JIT warm-up, not measured: a long-running service is compiled by the time a burst comes. Load at 32 clients for
 * at least the minimum, then rounds of 10 s at each measured client count in turn (their request shapes differ:
 * groups of ~4 events at 8 clients, ~15 at 32) until, in each round of the last turn, each service's JIT compiler
 * threads took at most 3 % of its CPU. identity-service gets one request per ~50 plans, so its request path reaches
 * C2 minutes after payment-service's; a fixed 60 s measured the compiler as much as the services (35 % of identity's
 * CPU in a profile of the 8-client phase).
 */
final class WarmUp {
    private static final int FIRST_CLIENTS = 32;
    private static final int ROUND_SECONDS = 10;

    private final BenchSystem system;
    private final Ingest ingest;

    WarmUp(BenchSystem system, Ingest ingest) {
        this.system = system;
        this.ingest = ingest;
    }

    /**
     * @param seconds   how long it took in all
     * @param lastShares the JIT shares (payment / identity) of each round of the last turn, e.g. "8 clients 2 % / 5 %"
     */
    record Result(long seconds, boolean settled, List<String> lastShares) {
        void addTo(Table table) {
            table.add("JIT warm-up, not measured: seconds; JIT share of CPU in its last rounds (payment / identity)",
                    seconds + " s" + (settled ? "" : " (not settled)")
                            + (lastShares.isEmpty() ? "" : "; " + String.join(", ", lastShares)));
        }
    }

    Result run(int minSeconds, int maxSeconds, List<Integer> clientCounts) throws Exception {
        long started = System.nanoTime();
        ingest.load(FIRST_CLIENTS, minSeconds);
        int seconds = minSeconds;
        List<String> shares = new ArrayList<>();
        boolean settled = false;
        while (!settled && seconds < maxSeconds) {
            settled = true;
            shares.clear();
            for (int clients : clientCounts) {
                JitShare jit = JitShare.start(system.paymentPid(), system.identityPid());
                ingest.load(clients, ROUND_SECONDS);
                seconds += ROUND_SECONDS;
                JitShares share = jit.shares();
                shares.add(clients + " clients " + share);
                settled &= share.settled();
            }
        }
        return new Result(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), settled, List.copyOf(shares));
    }
}
