package io.plansync.testing.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Hostile input for every endpoint: a fixed table that covers each kind of trouble at every member, path variable
 * and query parameter, and random documents for what the table does not think of.
 */
public final class FuzzCases {
    public static final String NO_AUTH = "none";
    public static final String GARBAGE_AUTH = "garbage";
    public static final String JSON = "application/json";

    /** Text no field should accept or choke on (sent as JSON literals, so lone surrogates survive). */
    public static final List<String> HOSTILE_TEXT = List.of(
            "", " ", "\u0000", "a\u0000b", "\u0001", "\u001f", "\t", "\n", "line\r\nX-Injected: yes", "\u007f",
            "\u0085", "\ud800", "a\udc00b", "\udbff\udfff", "\ud83d\ude00", "\u202e\u200b\ufeff", "ß∂ƒ©漢字",
            "x".repeat(2048), "x".repeat(2049), "é".repeat(5000), "x".repeat(70_000),
            "null", "-1", "NaN", "1e309", "../../etc/passwd", "' or '1'='1", "${jndi:ldap://127.0.0.1/x}",
            "<script>alert(1)</script>", "%00", "\\u0000", "00000000-0000-0000-0000-000000000000", "pro",
            "enterprise", "free", "dead", "inactive", "2026-01-01T00:00:00Z", "99999-01-01T00:00:00Z",
            "-999999999-01-01T00:00:00Z", "a@b.co");

    /** Values of the wrong JSON type, and numbers no parser should have to build. */
    public static final List<String> WRONG_TYPES = List.of(
            "1", "-1", "0", "1.5", "-0.0", "1e309", "123456789012345678901234567890", "9".repeat(5000), "true",
            "false", "null", "[]", "{}", "[\"a\"]", "{\"a\":\"b\"}", "[null]", "[[[[]]]]");

    /** Whole bodies that are wrong whatever the endpoint (as text; bytes follow in {@link #BAD_BYTES}). */
    public static final List<String> BAD_DOCUMENTS = List.of(
            "", " ", "null", "true", "0", "\"text\"", "[]", "{}", "[{}]", "{", "}", "{\"a\":", "{\"a\" 1}",
            "{'a':'b'}", "{\"a\":1,}", "[1,2,]", "/* c */ {}", "{\"a\":NaN}", "{\"a\":Infinity}",
            "{\"a\":undefined}", "{} {}", "{}garbage", "\ufeff{}", "{\"a\":\"\u0000\"}", "{\"\\u0000\":1}",
            "{\"a\":\"\\ud800\"}", "{\"" + "k".repeat(300) + "\":1}",
            "[".repeat(20_000) + "]".repeat(20_000),
            "{\"a\":" + "[".repeat(33) + "]".repeat(33) + "}",
            "{\"a\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}",
            IntStream.range(0, 3000).mapToObj(i -> "\"k" + i + "\":1").collect(Collectors.joining(",", "{", "}")));

    /** Bodies that are not UTF-8 JSON at all. */
    public static final List<byte[]> BAD_BYTES = List.of(
            new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'},
            new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0x80, '"', '}'},
            new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'},
            new byte[]{0, 0, 0, 0},
            "{\"email\":\"a@b.co\"}".getBytes(StandardCharsets.UTF_16LE),
            "{\"email\":\"a@b.co\"}".getBytes(StandardCharsets.UTF_16),
            randomBytes(512, 7));

    /** Path variables that name nothing, or are not even text (percent-encoded as sent). */
    public static final List<String> HOSTILE_SEGMENTS = List.of(
            "not-a-uuid", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "-1",
            "0", "99999999999999999999", "9223372036854775808", "1.5", "1e3", "%00", "a%00b", "%0d%0aX:%20y",
            "%7f", "%zz", "%", "%2", "%2F", "..", "%2e%2e", "x".repeat(300), "%ED%A0%80", "%C0%80", "%FF",
            "%F0%9F%98%80", "%20", "%7Bid%7D", "null", "true", "%E2%80%AE");

    /** Query strings of trouble for any endpoint (percent-encoded as sent). */
    public static final List<String> HOSTILE_QUERIES = List.of(
            "%00=1", "a%zz=1", "a=%zz", "=1", "&&&", "=", "%", "x=%", "a=%ED%A0%80", "a=%00", "a=b%0d%0ac",
            "a=" + "x".repeat(3000), "k".repeat(300) + "=1", "a=1&a=2", "a[]=1", "a=%F0%9F%98%80",
            "q=" + "y".repeat(5000));

    /** Values for query parameters an endpoint reads. */
    public static final List<String> HOSTILE_QUERY_VALUES = List.of(
            "", "-1", "0", "1", "201", "abc", "99999999999999999999", "2147483648", "1.5", "1e3", "true",
            "TRUE", "maybe", "unknown", "dead", "done", "%00", "%zz", "%ED%A0%80", "%C0%80", "+", "%20",
            "not-a-uuid", "00000000-0000-0000-0000-000000000000", "garbage", "aWQ6LTE", "aWQ6YWJj", "aWQ6",
            "aWQ6OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "%2B%2F%3D", "x".repeat(2049), "2026-13-45T99:99:99Z",
            "x".repeat(1000));

    public static final List<String> CONTENT_TYPES = List.of(
            JSON, "application/json; charset=utf-16", "application/json; charset=nonsense", "text/plain",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
            "application/problem+json", "*/*", "garbage", "application/json;;;", "");

    private FuzzCases() {
    }

    /** Every hostile body for an endpoint: bad documents, then each member in turn made hostile, mistyped or doubled. */
    public static Map<String, byte[]> bodies(Endpoint endpoint) {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        BAD_DOCUMENTS.forEach(d -> bodies.put("document " + shorten(d), utf8(d)));
        for (int i = 0; i < BAD_BYTES.size(); i++) {
            bodies.put("bytes #" + i, BAD_BYTES.get(i));
        }
        bodies.put("valid", utf8(endpoint.bodyWith(Map.of())));
        bodies.put("valid wrapped in an array", utf8("[" + endpoint.bodyWith(Map.of()) + "]"));
        bodies.put("with an unknown member", utf8(endpoint.bodyWith(Map.of("unknown", "{\"deep\":[1,2,3]}"))));
        for (String field : endpoint.fields().keySet()) {
            Map<String, String> without = new HashMap<>();
            without.put(field, null);
            bodies.put(field + " missing", utf8(endpoint.bodyWith(without)));
            for (String text : HOSTILE_TEXT) {
                bodies.put(field + "=" + shorten(Json.literal(text)),
                        utf8(endpoint.bodyWith(Map.of(field, Json.literal(text)))));
            }
            for (String value : WRONG_TYPES) {
                bodies.put(field + "=" + shorten(value), utf8(endpoint.bodyWith(Map.of(field, value))));
            }
            String valid = endpoint.fields().get(field);
            bodies.put(field + " twice", utf8(endpoint.bodyWith(Map.of(field, valid))
                    .replace(Json.literal(field) + ":" + valid,
                            Json.literal(field) + ":\"first\"," + Json.literal(field) + ":" + valid)));
        }
        return bodies;
    }

    /**
     * The fixed table for these endpoints: each hostile body, path variable, query and content type once, sent by
     * the endpoint's {@link Endpoint#callers() callers} in turn (so that its handler reads them, not only its 401),
     * and the valid request once with every credential.
     *
     * @param validId a path variable that names something real
     * @param auths   every credential label
     */
    public static List<FuzzCase> table(List<Endpoint> endpoints, String validId, List<String> auths) {
        List<FuzzCase> cases = new ArrayList<>();
        int turn = 0;
        for (Endpoint endpoint : endpoints) {
            List<String> callers = endpoint.callers().isEmpty() ? auths : endpoint.callers();
            String target = endpoint.target(validId);
            byte[] valid = endpoint.takesBody() ? utf8(endpoint.bodyWith(Map.of())) : null;
            for (String auth : auths) {
                cases.add(new FuzzCase("valid request", endpoint, target, JSON, valid, auth));
            }
            if (endpoint.takesBody()) {
                for (var body : bodies(endpoint).entrySet()) {
                    cases.add(new FuzzCase("body " + body.getKey(), endpoint, target, JSON, body.getValue(),
                            callers.get(turn++ % callers.size())));
                }
                for (String contentType : CONTENT_TYPES) {
                    cases.add(new FuzzCase("valid body as " + contentType, endpoint, target,
                            contentType.isEmpty() ? null : contentType, valid, callers.get(turn++ % callers.size())));
                }
                cases.add(new FuzzCase("no body", endpoint, target, JSON, null, callers.get(turn++ % callers.size())));
            } else {
                cases.add(new FuzzCase("a body where none belongs", endpoint, target, JSON,
                        utf8("{\"a\":\"\\u0000\"}"), callers.get(turn++ % callers.size())));
            }
            if (endpoint.path().contains("{id}")) {
                for (String segment : HOSTILE_SEGMENTS) {
                    cases.add(new FuzzCase("id " + shorten(segment), endpoint, endpoint.target(segment), JSON, valid,
                            callers.get(turn++ % callers.size())));
                }
            }
            for (String query : HOSTILE_QUERIES) {
                cases.add(new FuzzCase("query " + shorten(query), endpoint, target + "?" + query, JSON, valid,
                        callers.get(turn++ % callers.size())));
            }
            for (String parameter : endpoint.query()) {
                for (String value : HOSTILE_QUERY_VALUES) {
                    cases.add(new FuzzCase(parameter + "=" + shorten(value), endpoint,
                            target + "?" + parameter + "=" + value, JSON, valid,
                            callers.get(turn++ % callers.size())));
                }
            }
        }
        return cases;
    }

    /**
     * Random requests: any endpoint, method mix-ups, random JSON documents whose member names are mostly the ones
     * the endpoints read and whose values are any text (every UTF-16 unit, lone surrogates included), numbers,
     * booleans, nulls, arrays and objects, nested a few levels.
     */
    public static Arbitrary<FuzzCase> random(List<Endpoint> endpoints, String validId, List<String> auths) {
        Set<String> names = new TreeSet<>();
        endpoints.forEach(e -> names.addAll(e.fields().keySet()));
        Arbitrary<String> documents = documents(names);
        Arbitrary<String> ids = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(validId)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(HOSTILE_SEGMENTS)),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40).map(FuzzCases::percentEncode)));
        Arbitrary<String> queries = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(HOSTILE_QUERIES).map(q -> "?" + q)),
                net.jqwik.api.Tuple.of(3, Combinators.combine(
                                Arbitraries.of("limit", "cursor", "state", "userId", "since", "force", "dryRun"),
                                Arbitraries.oneOf(Arbitraries.of(HOSTILE_QUERY_VALUES),
                                        Arbitraries.strings().all().ofMaxLength(40).map(FuzzCases::percentEncode)))
                        .as((name, value) -> "?" + name + "=" + value)));
        Arbitrary<String> methods = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH")));
        Arbitrary<String> contentTypes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(JSON)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(CONTENT_TYPES)));
        return Combinators.combine(Arbitraries.of(endpoints), ids, queries, methods, contentTypes, documents,
                        Arbitraries.of(auths))
                .as((endpoint, id, query, method, contentType, document, auth) -> {
                    Endpoint called = method.isEmpty() ? endpoint : endpoint.withMethod(method);
                    return new FuzzCase("random " + shorten(document), called, called.target(id) + query,
                            contentType.isEmpty() ? null : contentType, utf8(endpoint.wrap().apply(document)),
                            auth);
                });
    }

    /** Random JSON objects: mostly known member names, values of every type, nested up to four levels. */
    public static Arbitrary<String> documents(Collection<String> knownNames) {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.of(knownNames.isEmpty() ? List.of("a") : List.copyOf(knownNames))),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)));
        Arbitrary<String> leaves = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.strings().all().ofMaxLength(64).map(Json::literal)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(HOSTILE_TEXT).map(Json::literal)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(WRONG_TYPES)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().map(String::valueOf)),
                net.jqwik.api.Tuple.of(1, Arbitraries.doubles().map(String::valueOf)
                        .filter(d -> !d.contains("N") && !d.contains("I"))));
        Arbitrary<String> values = Arbitraries.recursive(() -> leaves,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(4).map(l -> String.join(",", l)).map(s -> "[" + s + "]"),
                        object(names, inner)),
                0, 4);
        return object(names, values);
    }

    private static Arbitrary<String> object(Arbitrary<String> names, Arbitrary<String> values) {
        return Combinators.combine(names, values).as((name, value) -> Json.literal(name) + ":" + value)
                .list().ofMaxSize(6).map(members -> "{" + String.join(",", members) + "}");
    }

    /** Every byte of the UTF-8 form (lone surrogates become "?") as %XX. */
    public static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append(String.format("%%%02X", b & 0xff));
        }
        return out.toString();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String shorten(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "...(" + text.length() + ")" : text;
        StringBuilder printable = new StringBuilder();
        shown.chars().forEach(c -> printable.append(c < 0x20 || c == 0x7f || Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return printable.toString();
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
