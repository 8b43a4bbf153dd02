package io.plansync.support.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.plansync.support.problem.Problem;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The rules for a JSON request body, checked on the raw bytes before anything binds them: every member name and
 * string value acceptable {@link InputText}, numbers no longer than a value, no member twice in one object (parsers
 * disagree on which one wins), and nesting bounded. A body that is not well-formed JSON passes untouched: the route
 * decides what an unreadable body gets (the plan endpoints audit it, the others answer 400 on binding).
 */
public final class JsonBody {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonBody() {
    }

    /** @return the first member that breaks a rule (named by its path, such as {@code changes[2].userId}), or empty */
    public static Optional<Problem.FieldError> check(byte[] body, InputLimits limits) {
        if (body.length == 0) {
            return Optional.empty();
        }
        Deque<Container> open = new ArrayDeque<>();
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                Container parent = open.peek();
                switch (token) {
                    case FIELD_NAME -> {
                        String name = parser.currentName();
                        String problem = InputText.problem(name, limits.maxNameLength());
                        if (problem != null) {
                            return error(parent.path.isEmpty() ? "body" : parent.path, "member names " + problem);
                        }
                        if (!parent.names.add(name)) {
                            return error(parent.child(name), "must appear only once");
                        }
                        parent.pendingName = name;
                    }
                    case START_OBJECT, START_ARRAY -> {
                        String path = parent == null ? "" : parent.nextValuePath();
                        if (open.size() >= limits.maxDepth()) {
                            return error(path.isEmpty() ? "body" : path,
                                    "must not nest deeper than " + limits.maxDepth() + " levels");
                        }
                        open.push(new Container(path, token == JsonToken.START_OBJECT));
                    }
                    case END_OBJECT, END_ARRAY -> open.pop();
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        String path = parent == null ? "body" : parent.nextValuePath();
                        // The text of a number is checked as written: no BigInteger of a megabyte of digits.
                        String problem = InputText.problem(parser.getText(), limits.maxValueLength());
                        if (problem != null) {
                            return error(path, problem);
                        }
                    }
                    default -> {
                        if (parent != null) {
                            parent.nextValuePath();
                        }
                    }
                }
            }
            return Optional.empty();
        } catch (StreamConstraintsException e) {
            // Jackson's own ceilings (a number or name past its limits): a limit, not a syntax error.
            return error(open.isEmpty() || open.peek().path.isEmpty() ? "body" : open.peek().path,
                    "exceeds a size limit");
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Problem.FieldError> error(String field, String message) {
        return Optional.of(new Problem.FieldError(field, message));
    }

    /** An open object or array: where it is, and what has been seen in it so far. */
    private static final class Container {
        final String path;
        final boolean object;
        final Set<String> names = new HashSet<>();
        String pendingName;
        int index;

        Container(String path, boolean object) {
            this.path = path;
            this.object = object;
        }

        /** The path of the value that comes next in this container. */
        String nextValuePath() {
            if (object) {
                return child(pendingName);
            }
            return path + "[" + index++ + "]";
        }

        String child(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }
    }
}
