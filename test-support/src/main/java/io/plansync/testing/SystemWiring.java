package io.plansync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dev/wiring}, the one description of how the services are wired to their databases, to each other and to
 * Stripe, read for the tests and the benchmark (./plansync-local reads the same file).
 */
public final class SystemWiring {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z.-]+)}");

    /** One line: a service's variable and its value, with {@code {name}} placeholders. */
    public record Entry(String service, String variable, String template) {
        /** The placeholders this value needs. */
        public List<String> names() {
            List<String> names = new ArrayList<>();
            Matcher matcher = PLACEHOLDER.matcher(template);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            return names;
        }

        /** The value with every placeholder filled from {@code values}. */
        public String render(Map<String, String> values) {
            Matcher matcher = PLACEHOLDER.matcher(template);
            StringBuilder value = new StringBuilder();
            while (matcher.find()) {
                String filled = values.get(matcher.group(1));
                if (filled == null) {
                    throw new IllegalArgumentException("dev/wiring: no value for {" + matcher.group(1) + "} ("
                            + service + " " + variable + ")");
                }
                matcher.appendReplacement(value, Matcher.quoteReplacement(filled));
            }
            matcher.appendTail(value);
            return value.toString();
        }
    }

    private SystemWiring() {
    }

    public static List<Entry> entries() {
        try {
            List<Entry> entries = new ArrayList<>();
            for (String line : Files.readAllLines(file())) {
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                String[] parts = text.split("\\s+", 3);
                if (parts.length != 3) {
                    throw new IllegalStateException("dev/wiring: not 'service variable value': " + line);
                }
                entries.add(new Entry(parts[0], parts[1], parts[2]));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The environment of {@code service} ("identity" or "payment") with every placeholder filled from
     * {@code values}.
     *
     * @throws IllegalArgumentException if a placeholder has no value
     */
    public static Map<String, String> environment(String service, Map<String, String> values) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Entry entry : entries()) {
            if (!entry.service().equals(service)) {
                continue;
            }
            environment.put(entry.variable(), entry.render(values));
        }
        return environment;
    }

    /**
     * The values of both services running on this machine (127.0.0.1) with these databases; the caller adds
     * {@code admin.*} and {@code stripe.*}. A mutable map, for a caller that routes something elsewhere.
     */
    public static Map<String, String> onThisMachine(int identityPort, TestDatabases.Database identityDb,
                                                    int paymentPort, TestDatabases.Database paymentDb) {
        Map<String, String> values = new java.util.HashMap<>();
        values.put("identity.port", Integer.toString(identityPort));
        values.put("identity.url", "http://127.0.0.1:" + identityPort);
        values.put("identity.db.url", identityDb.url());
        values.put("identity.db.user", identityDb.user());
        values.put("identity.db.password", identityDb.password());
        values.put("payment.port", Integer.toString(paymentPort));
        values.put("payment.url", "http://127.0.0.1:" + paymentPort);
        values.put("payment.db.url", paymentDb.url());
        values.put("payment.db.user", paymentDb.user());
        values.put("payment.db.password", paymentDb.password());
        return values;
    }

    /** dev/wiring of this checkout, found from a module's folder or the root. */
    public static Path file() {
        for (Path base : List.of(Path.of("."), Path.of(".."), Path.of("../.."))) {
            Path wiring = base.resolve("dev").resolve("wiring");
            if (Files.isRegularFile(wiring)) {
                return wiring.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("dev/wiring not found from " + Path.of("").toAbsolutePath());
    }
}
