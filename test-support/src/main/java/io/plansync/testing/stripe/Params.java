package io.plansync.testing.stripe;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request parameters in Stripe's form encoding: {@code metadata[userId]=u}, {@code line_items[0][price]=p},
 * {@code types[0]=a} or {@code types[]=a}, read into a tree of maps (an array is a map keyed by its indexes).
 */
final class Params {
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, String> flat = new LinkedHashMap<>();

    static Params parse(String encoded) {
        Params params = new Params();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.put(key, value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("Invalid form encoding: " + e.getMessage(), null);
        }
    }

    @SuppressWarnings("unchecked")
    private void put(String key, String value) {
        List<String> segments = segments(key);
        Map<String, Object> node = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            String segment = segments.get(i);
            if (segment.isEmpty()) {
                segment = String.valueOf(node.size());
            }
            Object child = node.get(segment);
            if (!(child instanceof Map)) {
                child = new LinkedHashMap<String, Object>();
                node.put(segment, child);
            }
            node = (Map<String, Object>) child;
        }
        String last = segments.getLast();
        if (last.isEmpty()) {
            last = String.valueOf(node.size());
        }
        node.put(last, value);
        flat.put(key, value);
    }

    private static List<String> segments(String key) {
        List<String> segments = new ArrayList<>();
        int open = key.indexOf('[');
        if (open < 0) {
            segments.add(key);
            return segments;
        }
        segments.add(key.substring(0, open));
        int i = open;
        while (i < key.length() && key.charAt(i) == '[') {
            int close = key.indexOf(']', i);
            if (close < 0) {
                throw ApiError.invalid("Invalid parameter name: " + key, key);
            }
            segments.add(key.substring(i + 1, close));
            i = close + 1;
        }
        if (i != key.length()) {
            throw ApiError.invalid("Invalid parameter name: " + key, key);
        }
        return segments;
    }

    /** Every parameter as sent, in Stripe's bracket notation: {@code metadata[userId] -> u}. */
    Map<String, String> flat() {
        return flat;
    }

    java.util.Set<String> topLevelNames() {
        return root.keySet();
    }

    boolean isMap(String... path) {
        return node(path) instanceof Map;
    }

    boolean isEmptyText(String... path) {
        return node(path) instanceof String s && s.isEmpty();
    }

    boolean has(String... path) {
        return node(path) != null;
    }

    /** The text at this path, or null. */
    String str(String... path) {
        Object node = node(path);
        if (node instanceof Map) {
            throw ApiError.invalid("Invalid string: " + String.join(".", path) + " must be a string", path[0]);
        }
        return (String) node;
    }

    String required(String... path) {
        String value = str(path);
        if (value == null || value.isEmpty()) {
            throw ApiError.missing(bracketed(path));
        }
        return value;
    }

    Long longValue(String... path) {
        String value = str(path);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiError.invalid("Invalid integer: " + value, bracketed(path));
        }
    }

    Boolean bool(String... path) {
        String value = str(path);
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiError.invalid("Invalid boolean: " + value, bracketed(path));
        };
    }

    /** A hash such as metadata: text values only. */
    Map<String, String> map(String... path) {
        Object node = node(path);
        Map<String, String> out = new LinkedHashMap<>();
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (!(v instanceof String s)) {
                    throw ApiError.invalid("Invalid hash: " + bracketed(path) + "[" + k + "]", bracketed(path));
                }
                out.put((String) k, s);
            });
        } else if (node instanceof String s && !s.isEmpty()) {
            throw ApiError.invalid("Invalid hash", bracketed(path));
        }
        return out;
    }

    /** An array of text ({@code types[0]=a} or {@code types[]=a}), in index order. */
    List<String> list(String... path) {
        List<String> out = new ArrayList<>();
        for (Object value : elements(path)) {
            if (!(value instanceof String s)) {
                throw ApiError.invalid("Invalid array", bracketed(path));
            }
            out.add(s);
        }
        return out;
    }

    /** An array of hashes ({@code line_items[0][price]=p}), in index order, each as a Params. */
    List<Params> objects(String... path) {
        List<Params> out = new ArrayList<>();
        for (Object value : elements(path)) {
            if (!(value instanceof Map<?, ?> m)) {
                throw ApiError.invalid("Invalid array of hashes", bracketed(path));
            }
            Params p = new Params();
            copy(m, p.root);
            out.add(p);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void copy(Map<?, ?> from, Map<String, Object> to) {
        from.forEach((k, v) -> to.put((String) k, v));
    }

    private List<Object> elements(String... path) {
        Object node = node(path);
        if (node == null || node instanceof String s && s.isEmpty()) {
            return List.of();
        }
        if (!(node instanceof Map<?, ?> m)) {
            throw ApiError.invalid("Invalid array", bracketed(path));
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String index = (String) e.getKey();
            if (!index.matches("\\d{1,6}")) {
                throw ApiError.invalid("Invalid array index: " + index, bracketed(path));
            }
            entries.add(Map.entry(index, e.getValue()));
        }
        entries.sort(Comparator.comparingInt(e -> Integer.parseInt(e.getKey())));
        return entries.stream().map(Map.Entry::getValue).toList();
    }

    private Object node(String... path) {
        Object node = root;
        for (String segment : path) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(segment);
        }
        return node;
    }

    private static String bracketed(String... path) {
        StringBuilder out = new StringBuilder(path[0]);
        for (int i = 1; i < path.length; i++) {
            out.append('[').append(path[i]).append(']');
        }
        return out.toString();
    }
}
