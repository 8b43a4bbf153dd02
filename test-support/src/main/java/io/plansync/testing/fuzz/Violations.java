package io.plansync.testing.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Runs fuzz cases and collects every one that broke the rule, named with what went wrong (empty: none did). */
public final class Violations {
    private Violations() {
    }

    /** @param violation what a case broke, or null if it got a documented answer */
    public static <T> List<String> of(Collection<T> cases, Function<T, String> violation) {
        List<String> violations = new ArrayList<>();
        for (T fuzzCase : cases) {
            String broken = violation.apply(fuzzCase);
            if (broken != null) {
                violations.add(fuzzCase + " -> " + broken);
            }
        }
        return violations;
    }

    /**
     * Sends each raw request on the wire ({@link RawRequests}) and checks its answer like any other case.
     *
     * @param secrets what must never appear in an answer
     */
    public static List<String> ofRaw(HttpProbe probe, List<byte[]> requests, Set<Integer> successes,
                                     List<String> secrets) {
        List<String> violations = new ArrayList<>();
        for (byte[] request : requests) {
            String shown = new String(request, 0, Math.min(80, request.length), StandardCharsets.ISO_8859_1);
            try {
                String violation = probe.sendRaw(request).violation(successes, secrets);
                if (violation != null) {
                    violations.add(shown + " -> " + violation);
                }
            } catch (IllegalStateException e) {
                violations.add(shown + " -> " + e.getMessage());
            }
        }
        return violations;
    }
}
