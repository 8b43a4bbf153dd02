package io.plansync.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What each plan lets a user do (entitlements such as {@code api.access} or {@code seats:5}): the one list both
 * services read. Defaults in {@code plan-features.properties} beside this class; {@code PLANSYNC_PLAN_FEATURES}
 * replaces the lists of the plans it names.
 */
public final class PlanFeatures {
    public static final String VARIABLE = "PLANSYNC_PLAN_FEATURES";
    private static final Pattern FEATURE = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");
    private static final Map<Plan, List<String>> FEATURES = load(System.getenv(VARIABLE));

    private PlanFeatures() {
    }

    public static List<String> of(Plan plan) {
        return FEATURES.get(plan);
    }

    /**
     * The lists: the defaults, with the plans {@code override} names replaced.
     *
     * @param override {@code plan=feature,feature;plan=...}, or null
     * @throws IllegalArgumentException naming what is wrong (an unknown plan, a feature that is not
     *                                  lower-case letters, digits and {@code . _ : -})
     */
    static Map<Plan, List<String>> load(String override) {
        Properties defaults = new Properties();
        try (InputStream in = PlanFeatures.class.getResourceAsStream("plan-features.properties")) {
            if (in == null) {
                throw new IllegalStateException("plan-features.properties is missing");
            }
            defaults.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Plan, List<String>> features = new EnumMap<>(Plan.class);
        for (Plan plan : Plan.values()) {
            features.put(plan, parseList(plan, defaults.getProperty(plan.wire(), "")));
        }
        features.putAll(parse(override));
        return Map.copyOf(features);
    }

    /** {@code plan=feature,feature;plan=...} (blank: nothing) as lists per plan. */
    public static Map<Plan, List<String>> parse(String spec) {
        Map<Plan, List<String>> features = new EnumMap<>(Plan.class);
        if (spec == null || spec.isBlank()) {
            return features;
        }
        for (String entry : spec.split(";")) {
            String[] parts = entry.split("=", 2);
            Plan plan = Plan.fromWire(parts[0].strip()).orElseThrow(() -> new IllegalArgumentException(
                    VARIABLE + ": unknown plan '" + parts[0].strip() + "' (free, pro, enterprise)"));
            features.put(plan, parseList(plan, parts.length == 2 ? parts[1] : ""));
        }
        return features;
    }

    private static List<String> parseList(Plan plan, String list) {
        List<String> features = Arrays.stream(list.split(",")).map(String::strip).filter(f -> !f.isEmpty())
                .distinct().toList();
        for (String feature : features) {
            if (!FEATURE.matcher(feature).matches()) {
                throw new IllegalArgumentException("features of " + plan.wire() + ": '" + feature
                        + "' is not lower-case letters, digits and . _ : - (at most 64)");
            }
        }
        return features;
    }
}
