package io.plansync.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Rounds at one client count, each phase right after the other: the pgbench ceiling, webhook ingest of new purchases,
 * the peer (with --peer) on the same load, then ingest on the no-change path. On this shared 2-core machine one 10-s
 * phase varies by 10-20 % (CPU steal from other guests reached 24 %), so each round's figures are set against each
 * other, and the median round is reported with the spread.
 */
final class CeilingAndIngest {
    private final BenchSystem system;
    private final Ceiling ceiling;
    private final Ingest ingest;
    private final PeerIngest peer;
    private final String peerName;

    /** @param peer null without --peer */
    CeilingAndIngest(BenchSystem system, Ceiling ceiling, Ingest ingest, PeerIngest peer, String peerName) {
        this.system = system;
        this.ceiling = ceiling;
        this.ingest = ingest;
        this.peer = peer;
        this.peerName = peerName;
    }

    /** One round's phases; {@code peer} is null without --peer. */
    record Round(Ceiling.Result ceiling, Ingest.Result newPurchases, PeerIngest.Result peer, Ingest.Result noChange) {
        /** New purchases per second as a percentage of the ceiling measured just before. */
        double percentOfCeiling() {
            return 100 * newPurchases.rate() / ceiling.tps();
        }

        /** PlanSync's new purchases per second over the peer's events per second, on the same load. */
        double overPeer() {
            return newPurchases.rate() / peer.rate();
        }
    }

    /** Every round at one client count; {@code median} is the index of the round with the median share. */
    record Result(int clients, List<Round> rounds, int median, String peerName) {
        void addTo(Table table) {
            Round round = rounds.get(median);
            Ceiling.Result ceiling = round.ceiling();
            String of = rounds.size() == 1 ? "" : " (median of " + rounds.size() + " rounds; each round: pgbench, "
                    + "new purchases" + (round.peer() == null ? "" : ", peer") + ", no change)";
            String at = clients + " clients";
            table.add("pgbench ceiling, " + at + " (tx/s)" + of, whole(ceiling.tps())
                    + spread(r -> r.ceiling().tps(), "%.0f"));
            table.add("pgbench ceiling, " + at + ": machine CPU ms per transaction",
                    String.format(Locale.ROOT, "%.2f", ceiling.machineCpuMsPerTransaction()));
            addIngest(table, round.newPurchases(), at, r -> r.newPurchases().rate(), Round::newPurchases);
            table.add("webhook ingest, " + Ingest.Path.NEW_PURCHASE.label + ", " + at + ": share of pgbench ceiling",
                    String.format(Locale.ROOT, "%.0f%%", round.percentOfCeiling())
                            + spread(Round::percentOfCeiling, "%.0f%%"));
            if (round.peer() != null) {
                addPeer(table, round.peer(), at);
                table.add("PlanSync / peer, " + at + " (new purchases/s over the peer's events/s)",
                        String.format(Locale.ROOT, "%.2fx", round.overPeer()) + spread(Round::overPeer, "%.2fx"));
            }
            addIngest(table, round.noChange(), at, r -> r.noChange().rate(), Round::noChange);
        }

        private void addIngest(Table table, Ingest.Result ingest, String at, ToDoubleFunction<Round> rate,
                               Function<Round, Ingest.Result> phase) {
            String name = "webhook ingest, " + ingest.path().label + ", " + at;
            table.add(name + " (accepted/s)", whole(ingest.rate()) + spread(rate, "%.0f"));
            Latencies all = new Latencies();
            rounds.forEach(r -> all.addAll(phase.apply(r).latencies()));
            table.add(name + ": p50 / p95 / p99 latency (all rounds)", all.percentiles(50, 95, 99) + "; errors "
                    + rounds.stream().mapToLong(r -> phase.apply(r).errors()).sum());
            table.add(name + ": CPU ms per event (payment / identity / postgres / load / machine)",
                    ingest.cpuPerEvent().toString());
            table.add(name + ": JIT compiler share of CPU (payment / identity)", ingest.jitShares().toString());
            table.add(name + ": events per webhook transaction (group commit)", ingest.eventsPerTransaction());
            table.add(name + ": plans changed (outbox rows) per event", String.format(Locale.ROOT, "%.2f",
                    ingest.plansChanged() / Math.max(1.0, ingest.latencies().count())));
            if (ingest.plansPerRequest() != null) {
                table.add(name + ": plans per relay request", ingest.plansPerRequest());
            }
        }

        private void addPeer(Table table, PeerIngest.Result peer, String at) {
            String name = "peer (" + peerName + "), same load, " + at;
            table.add(name + " (processed/s)", whole(peer.rate()) + spread(r -> r.peer().rate(), "%.0f"));
            Latencies all = new Latencies();
            rounds.forEach(r -> all.addAll(r.peer().latencies()));
            table.add(name + ": p50 / p95 / p99 latency (all rounds)", all.percentiles(50, 95, 99) + "; errors "
                    + rounds.stream().mapToLong(r -> r.peer().errors()).sum());
            var cpu = peer.cpuPerEvent();
            table.add(name + ": CPU ms per event (node / postgres / load / machine)", String.format(Locale.ROOT,
                    "%.2f / %.2f / %.2f / %.2f", cpu.payment(), cpu.postgres(), cpu.load(), cpu.machine()));
        }

        /** The rounds' values, sorted, when there is more than one. */
        private String spread(ToDoubleFunction<Round> value, String format) {
            if (rounds.size() < 2) {
                return "";
            }
            return " (rounds: " + rounds.stream().mapToDouble(value).sorted()
                    .mapToObj(v -> String.format(Locale.ROOT, format, v)).collect(Collectors.joining(" / ")) + ")";
        }

        private static String whole(double value) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
    }

    Result run(int clients, int seconds, int rounds) throws Exception {
        List<Round> done = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Ceiling.Result tps = ceiling.measure(clients, seconds);
            // With the relay on, each ingest phase returns once the relay has drained.
            Ingest.Result newPurchases = ingest.measure(Ingest.Path.NEW_PURCHASE, clients, seconds);
            PeerIngest.Result peerResult = peer == null ? null : peer.measure(clients, seconds);
            Ingest.Result noChange = ingest.measure(Ingest.Path.NO_CHANGE, clients, seconds);
            done.add(new Round(tps, newPurchases, peerResult, noChange));
            if (peer == null) {
                system.vacuumIfAutovacuumIsOff();
            } else {
                system.vacuumIfAutovacuumIsOff(peer.database());
            }
        }
        List<Integer> byShare = new ArrayList<>(IntStream.range(0, rounds).boxed().toList());
        byShare.sort(Comparator.comparingDouble(i -> done.get(i).percentOfCeiling()));
        return new Result(clients, List.copyOf(done), byShare.get(rounds / 2), peerName);
    }
}
