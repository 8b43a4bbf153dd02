package io.plansync.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The benchmark's output: named rows, in the order the phases add them, printed once at the end. */
final class Table {
    private final Map<String, String> rows = new LinkedHashMap<>();

    void add(String name, String value) {
        rows.put(name, value);
    }

    void print() {
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        System.out.println();
        System.out.println("PlanSync benchmark (" + Runtime.getRuntime().availableProcessors() + " cores, "
                + Instant.now() + ")");
        System.out.println("-".repeat(width + 40));
        rows.forEach((name, value) -> System.out.printf(Locale.ROOT, "%-" + width + "s  %s%n", name, value));
    }
}
