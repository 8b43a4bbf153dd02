package io.plansync.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Latency samples, added from many threads, and their percentiles. */
final class Latencies {
    private final List<Long> samples = Collections.synchronizedList(new ArrayList<>());

    void add(long nanos) {
        samples.add(nanos);
    }

    void addAll(Latencies other) {
        synchronized (other.samples) {
            samples.addAll(other.samples);
        }
    }

    int count() {
        return samples.size();
    }

    /** e.g. "14.7 / 30.2 / 39.0 ms" for 50, 95, 99; "no samples" when there are none. */
    String percentiles(int... ps) {
        List<Long> sorted;
        synchronized (samples) {
            sorted = new ArrayList<>(samples);
        }
        if (sorted.isEmpty()) {
            return "no samples";
        }
        sorted.sort(Long::compare);
        List<String> parts = new ArrayList<>();
        for (int p : ps) {
            long value = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
            parts.add(String.format(Locale.ROOT, "%.1f", value / 1e6));
        }
        return String.join(" / ", parts) + " ms";
    }
}
