package io.plansync.testing;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's operations as written twice: in the OpenAPI document micronaut-openapi generates from its controllers
 * (served at /openapi.yml) and in README.md's API tables. An operation is "METHOD /path", path variables named as
 * written ({id}).
 */
public final class ApiDocs {
    /** Where the generated document is, on the service's classpath. */
    public static final String DOCUMENT = "META-INF/swagger/openapi.yml";

    /** The README's top-level sections whose API tables describe each service ("Operating PlanSync": its admin). */
    private static final Map<String, List<String>> SECTIONS = Map.of(
            "identity-service", List.of("identity-service"),
            "payment-service", List.of("payment-service", "Operating PlanSync"));

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern OPERATION = Pattern.compile("^(?:(GET|POST|PUT|PATCH|DELETE) )?(/\\S*)");
    private static final Pattern ALTERNATIVES = Pattern.compile("^(.*?)\\[([^]]*)](.*)$");

    private ApiDocs() {
    }

    /** The operations of the generated document on the classpath. */
    public static Set<String> documented() {
        try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is not on the classpath: is micronaut-openapi in the "
                        + "service's annotation processors?");
            }
            Map<String, Object> document = new Yaml().load(in);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
            Set<String> operations = new TreeSet<>();
            paths.forEach((path, item) -> item.keySet().stream()
                    .map(method -> method.toUpperCase(Locale.ROOT))
                    .filter(METHODS::contains)
                    .forEach(method -> operations.add(method + " " + path)));
            return operations;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The operations in the README's API tables (those whose first column is "method and path") of the service's
     * sections. A first cell names them in code spans: {@code `GET /a`, `/b`} (the method carries over),
     * {@code /health[/liveness\|/readiness]} (the path alone and with each alternative); a body or a query after the
     * path is left out, and a span with no method before it ({@code any `/auth/*`}) names no operation. Fails on an
     * API table in a section that is no service's, which no test would check.
     */
    public static Set<String> inReadme(String service) {
        List<String> ours = SECTIONS.get(service);
        if (ours == null) {
            throw new IllegalArgumentException("No README sections for " + service + ": " + SECTIONS.keySet());
        }
        Set<String> operations = new TreeSet<>();
        String section = null;
        boolean inTable = false;
        for (String line : readme()) {
            if (line.startsWith("## ")) {
                section = line.substring(3).trim();
            }
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            String first = cells(line).getFirst();
            if (first.equals("method and path")) {
                String table = section;
                if (SECTIONS.values().stream().noneMatch(sections -> sections.contains(table))) {
                    throw new IllegalStateException("README.md has an API table in section \"" + section
                            + "\", which is no service's: add it to ApiDocs.SECTIONS");
                }
                inTable = ours.contains(section);
            } else if (inTable && !first.startsWith("---")) {
                operations.addAll(operations(first));
            }
        }
        return operations;
    }

    /** What tells the two apart, for a failure message; empty when they agree. */
    public static String disagreement(Set<String> documented, Set<String> inReadme) {
        Set<String> undocumented = new TreeSet<>(documented);
        undocumented.removeAll(inReadme);
        Set<String> unknown = new TreeSet<>(inReadme);
        unknown.removeAll(documented);
        StringBuilder message = new StringBuilder();
        if (!undocumented.isEmpty()) {
            message.append("\nIn the OpenAPI document (the code) but in no README API table: ").append(undocumented);
        }
        if (!unknown.isEmpty()) {
            message.append("\nIn a README API table but not in the OpenAPI document (the code): ").append(unknown);
        }
        return message.toString();
    }

    private static List<String> readme() {
        // Tests run in the module's folder; README.md is at the repository root.
        try {
            return Files.readAllLines(Path.of("..", "README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A table row's cells, split at the pipes that are not escaped. */
    private static List<String> cells(String row) {
        List<String> cells = new ArrayList<>();
        for (String cell : row.substring(1).split("(?<!\\\\)\\|")) {
            cells.add(cell.trim());
        }
        return cells;
    }

    private static List<String> operations(String cell) {
        List<String> operations = new ArrayList<>();
        String method = null;
        Matcher code = CODE.matcher(cell);
        while (code.find()) {
            Matcher operation = OPERATION.matcher(code.group(1).replace("\\|", "|"));
            if (!operation.find()) {
                continue;
            }
            if (operation.group(1) != null) {
                method = operation.group(1);
            }
            if (method == null) {
                continue;
            }
            for (String path : alternatives(withoutQuery(operation.group(2)))) {
                operations.add(method + " " + path);
            }
        }
        return operations;
    }

    private static String withoutQuery(String path) {
        String bare = path.replaceAll("\\[\\?[^]]*]", "");
        int query = bare.indexOf('?');
        return query < 0 ? bare : bare.substring(0, query);
    }

    private static List<String> alternatives(String path) {
        Matcher optional = ALTERNATIVES.matcher(path);
        if (!optional.matches()) {
            return List.of(path);
        }
        List<String> paths = new ArrayList<>(List.of(optional.group(1) + optional.group(3)));
        for (String alternative : optional.group(2).split("\\|")) {
            paths.add(optional.group(1) + alternative + optional.group(3));
        }
        return paths;
    }
}
