package io.plansync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the processes on the machine spent during a phase, from /proc: CPU time per process, the JIT compiler's share
 * of each service's CPU, and peak resident memory. The services, PostgreSQL and the load generator share two cores,
 * so a throughput figure means little without where the CPU went.
 */
final class ProcessSampling {
    /** /proc counts clock ticks of 10 ms. */
    private static final double MS_PER_TICK = 10.0;

    private ProcessSampling() {
    }

    /**
     * CPU time (user + system) spent by payment-service, identity-service, all PostgreSQL processes, the load
     * generator and the whole machine from {@link #start} on. PostgreSQL's is summed per process over those alive at
     * the end: a backend that exits during the phase (another client's) takes its ticks with it, and a total taken
     * over all processes went negative when one did.
     */
    record CpuUse(long paymentPid, long identityPid, long[] before, Map<Long, Long> postgresBefore) {
        static CpuUse start(long paymentPid, long identityPid) throws IOException {
            return new CpuUse(paymentPid, identityPid, read(paymentPid, identityPid), postgresTicks());
        }

        /** CPU ms per event since the start, {@code events} being what the phase did. */
        CpuPerEvent perEvent(long events) throws IOException {
            long[] after = read(paymentPid, identityPid);
            long postgres = 0;
            for (Map.Entry<Long, Long> process : postgresTicks().entrySet()) {
                postgres += process.getValue() - postgresBefore.getOrDefault(process.getKey(), 0L);
            }
            double[] ms = new double[after.length];
            for (int i = 0; i < after.length; i++) {
                long spent = i == 2 ? postgres : after[i] - before[i];
                ms[i] = events == 0 ? 0 : spent * MS_PER_TICK / events;
            }
            return new CpuPerEvent(ms[0], ms[1], ms[2], ms[3], ms[4]);
        }

        /** Ticks of each PostgreSQL process by pid. */
        private static Map<Long, Long> postgresTicks() throws IOException {
            Map<Long, Long> ticks = new HashMap<>();
            try (var processes = Files.list(Path.of("/proc"))) {
                for (Path dir : processes.filter(d -> d.getFileName().toString().matches("[0-9]+")).toList()) {
                    try {
                        if (Files.readString(dir.resolve("comm")).trim().equals("postgres")) {
                            ticks.put(Long.parseLong(dir.getFileName().toString()), ticks(dir));
                        }
                    } catch (IOException gone) {
                        // A process that ended between listing and reading.
                    }
                }
            }
            return ticks;
        }

        /** payment, identity, (postgres: see postgresTicks), load generator, machine. */
        private static long[] read(long paymentPid, long identityPid) throws IOException {
            String[] machine = Files.readAllLines(Path.of("/proc/stat")).getFirst().split("\\s+");
            long busy = 0;
            for (int field : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += Long.parseLong(machine[field]);
            }
            return new long[] {ticks(process(paymentPid)), ticks(process(identityPid)), 0,
                    ticks(Path.of("/proc/self")), busy};
        }
    }

    /** CPU ms per event of each process and of the machine. */
    record CpuPerEvent(double payment, double identity, double postgres, double load, double machine) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f / %.2f", payment, identity, postgres, load,
                    machine);
        }
    }

    /**
     * The share of each service's CPU time that its JIT compiler threads took from {@link #start} on. Compiler
     * threads come and go; one that ends within the period is missed, so the share can only be under-counted by
     * what it did.
     */
    record JitShare(long paymentPid, long identityPid, long paymentTicks, long identityTicks,
                    Map<String, Long> paymentCompilers, Map<String, Long> identityCompilers) {
        static JitShare start(long paymentPid, long identityPid) throws IOException {
            long paymentTicks = ticks(process(paymentPid));
            Map<String, Long> paymentCompilers = compilerThreads(paymentPid);
            long identityTicks = ticks(process(identityPid));
            Map<String, Long> identityCompilers = compilerThreads(identityPid);
            return new JitShare(paymentPid, identityPid, paymentTicks, identityTicks, paymentCompilers,
                    identityCompilers);
        }

        JitShares shares() throws IOException {
            return new JitShares(share(paymentPid, paymentTicks, paymentCompilers),
                    share(identityPid, identityTicks, identityCompilers));
        }

        private static double share(long pid, long processBefore, Map<String, Long> compilersBefore)
                throws IOException {
            long process = ticks(process(pid)) - processBefore;
            long compiling = 0;
            for (Map.Entry<String, Long> thread : compilerThreads(pid).entrySet()) {
                compiling += thread.getValue() - compilersBefore.getOrDefault(thread.getKey(), 0L);
            }
            return process <= 0 ? 0 : compiling / (double) process;
        }

        /** Ticks per thread id of the JIT compiler threads ("C1/C2 CompilerThre..." in /proc). */
        private static Map<String, Long> compilerThreads(long pid) throws IOException {
            Map<String, Long> ticks = new HashMap<>();
            try (var threads = Files.list(process(pid).resolve("task"))) {
                for (Path thread : threads.toList()) {
                    try {
                        if (Files.readString(thread.resolve("comm")).contains("CompilerThre")) {
                            ticks.put(thread.getFileName().toString(), ticks(thread));
                        }
                    } catch (IOException gone) {
                        // A thread that ended between listing and reading.
                    }
                }
            }
            return ticks;
        }
    }

    /** The JIT compiler's share of each service's CPU, 0 to 1. */
    record JitShares(double payment, double identity) {
        /** A service whose compiler takes at most 3 % of its CPU runs compiled code, not the compiler. */
        boolean settled() {
            return payment <= 0.03 && identity <= 0.03;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f %% / %.0f %%", 100 * payment, 100 * identity);
        }
    }

    /** VmHWM of a process, e.g. "218 MB". */
    static String peakResidentMemory(long pid) throws IOException {
        for (String line : Files.readAllLines(process(pid).resolve("status"))) {
            if (line.startsWith("VmHWM:")) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return (kb / 1024) + " MB";
            }
        }
        return "?";
    }

    private static Path process(long pid) {
        return Path.of("/proc/" + pid);
    }

    /** User + system ticks of a process or thread. */
    private static long ticks(Path process) throws IOException {
        String stat = Files.readString(process.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
