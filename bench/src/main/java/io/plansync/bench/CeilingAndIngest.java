package io.plansync.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Rounds of the pgbench ceiling then webhook ingest, back to back, at one client count. On this shared 2-core
 * machine one 10-s phase varies by 10-20 % (CPU steal from other guests reached 24 %), so each round's ingest is set
 * against the ceiling measured just before it, and the median round is reported with the spread.
 */
final class CeilingAndIngest {
    private final BenchSystem system;
    private final Ceiling ceiling;
    private final Ingest ingest;

    CeilingAndIngest(BenchSystem system, Ceiling ceiling, Ingest ingest) {
        this.system = system;
        this.ceiling = ceiling;
        this.ingest = ingest;
    }

    /** Every round at one client count; {@code median} is the index of the round with the median ratio. */
    record Result(int clients, List<Ceiling.Result> ceilings, List<Ingest.Result> ingests, int median) {
        /** A round's ingest rate as a percentage of the ceiling measured just before it. */
        double percentOfCeiling(int round) {
            return 100 * ingests.get(round).rate() / ceilings.get(round).tps();
        }

        void addTo(Table table) {
            int rounds = ceilings.size();
            Ceiling.Result ceiling = ceilings.get(median);
            Ingest.Result ingest = ingests.get(median);
            String of = rounds == 1 ? "" : " (median of " + rounds + " rounds; each round: pgbench, then ingest)";
            String at = clients + " clients";
            table.add("pgbench ceiling, " + at + " (tx/s)" + of, String.format(Locale.ROOT, "%.0f", ceiling.tps())
                    + spread(ceilings.stream().mapToDouble(Ceiling.Result::tps).toArray(), "%.0f"));
            table.add("pgbench ceiling, " + at + ": machine CPU ms per transaction",
                    String.format(Locale.ROOT, "%.2f", ceiling.machineCpuMsPerTransaction()));
            table.add("webhook ingest, " + at + " (accepted/s)", String.format(Locale.ROOT, "%.0f", ingest.rate())
                    + spread(ingests.stream().mapToDouble(Ingest.Result::rate).toArray(), "%.0f"));
            table.add("webhook ingest, " + at + ": share of pgbench ceiling",
                    String.format(Locale.ROOT, "%.0f%%", percentOfCeiling(median))
                            + spread(IntStream.range(0, rounds).mapToDouble(this::percentOfCeiling).toArray(),
                            "%.0f%%"));
            Latencies all = new Latencies();
            ingests.forEach(i -> all.addAll(i.latencies()));
            table.add("webhook ingest, " + at + ": p50 / p95 / p99 latency (all rounds)",
                    all.percentiles(50, 95, 99) + "; errors "
                            + ingests.stream().mapToLong(Ingest.Result::errors).sum());
            table.add("webhook ingest, " + at + ": CPU ms per event (payment / identity / postgres / load / machine)",
                    ingest.cpuPerEvent().toString());
            table.add("webhook ingest, " + at + ": JIT compiler share of CPU (payment / identity)",
                    ingest.jitShares().toString());
            table.add("webhook ingest, " + at + ": events per webhook transaction (group commit)",
                    ingest.eventsPerTransaction());
            if (ingest.plansPerRequest() != null) {
                table.add("webhook ingest, " + at + ": plans per relay request", ingest.plansPerRequest());
            }
        }

        /** The rounds' values, sorted, when there is more than one. */
        private static String spread(double[] values, String format) {
            if (values.length < 2) {
                return "";
            }
            return " (rounds: " + Arrays.stream(values).sorted().mapToObj(v -> String.format(Locale.ROOT, format, v))
                    .collect(Collectors.joining(" / ")) + ")";
        }
    }

    Result run(int clients, int seconds, int rounds) throws Exception {
        List<Ceiling.Result> ceilings = new ArrayList<>();
        List<Ingest.Result> ingests = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            ceilings.add(ceiling.measure(clients, seconds));
            ingests.add(ingest.measure(clients, seconds)); // with the relay on, returns once it has drained
            system.vacuumIfAutovacuumIsOff();
        }
        List<Integer> byRatio = new ArrayList<>(IntStream.range(0, rounds).boxed().toList());
        byRatio.sort(Comparator.comparingDouble(i -> ingests.get(i).rate() / ceilings.get(i).tps()));
        return new Result(clients, List.copyOf(ceilings), List.copyOf(ingests), byRatio.get(rounds / 2));
    }
}
