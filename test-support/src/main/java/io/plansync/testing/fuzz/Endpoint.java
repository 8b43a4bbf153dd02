package io.plansync.testing.fuzz;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One public endpoint as a fuzz test sees it.
 *
 * @param method     HTTP method
 * @param path       its path; {@code {id}} stands for a path variable
 * @param fields     a valid value (JSON text) for each member of its body object, in order; empty when it takes none
 * @param wrap       turns that object into the body (the batch endpoint takes {@code {"changes":[object]}})
 * @param query      the query parameters it reads
 * @param successes  the statuses it documents as success
 * @param callers    the credentials that get its body past authentication (the body cases take turns with these);
 *                   empty: any
 */
public record Endpoint(String method, String path, Map<String, String> fields, UnaryOperator<String> wrap,
                       List<String> query, Set<Integer> successes, List<String> callers) {

    public static Endpoint of(String method, String path, Integer... successes) {
        return new Endpoint(method, path, Map.of(), UnaryOperator.identity(), List.of(), Set.of(successes), List.of());
    }

    /** The same endpoint, whose hostile bodies are sent with these credentials only (so its handler reads them). */
    public Endpoint calledBy(String... credentials) {
        return new Endpoint(method, path, fields, wrap, query, successes, List.of(credentials));
    }

    /** The same endpoint called with another method (which it does not take). */
    public Endpoint withMethod(String otherMethod) {
        return new Endpoint(otherMethod, path, fields, wrap, query, successes, callers);
    }

    /** The same endpoint with a JSON body of these members (name, valid value as JSON text, name, value, ...). */
    public Endpoint body(String... namesAndValues) {
        Map<String, String> members = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            members.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new Endpoint(method, path, members, wrap, query, successes, callers);
    }

    public Endpoint wrappedIn(UnaryOperator<String> wrapper) {
        return new Endpoint(method, path, fields, wrapper, query, successes, callers);
    }

    public Endpoint query(String... names) {
        return new Endpoint(method, path, fields, wrap, List.of(names), successes, callers);
    }

    public boolean takesBody() {
        return !fields.isEmpty();
    }

    /** A body that is valid but for the members given (JSON text; a null value leaves the member out). */
    public String bodyWith(Map<String, String> overrides) {
        Map<String, String> members = new LinkedHashMap<>(fields);
        overrides.forEach((name, value) -> {
            if (value == null) {
                members.remove(name);
            } else {
                members.put(name, value);
            }
        });
        return wrap.apply(Json.object(members));
    }

    /** The path with the variable filled in (already percent-encoded as the caller wants it). */
    public String target(String id) {
        return path.replace("{id}", id);
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
