package io.plansync.support.input;

import io.micronaut.core.annotation.Nullable;
import io.plansync.support.problem.Problem;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The rules for a request's path and query, as sent: bounded lengths, strict percent-encoding of UTF-8, and every
 * decoded segment, parameter name and value acceptable {@link InputText}. Pure: the filter supplies the strings.
 */
public final class RequestTarget {
    private RequestTarget() {
    }

    /**
     * @param rawTarget the request target as sent ({@code /path?query}, or absolute-form), still percent-encoded
     * @param template  the URI template of the matched route, or null: a bad segment is then named after the route
     *                  variable it fills ({@code id}) instead of {@code path}
     * @return the first thing wrong with it, or empty
     */
    public static Optional<Problem.FieldError> check(String rawTarget, @Nullable String template, InputLimits limits) {
        String target = withoutSchemeAndAuthority(rawTarget);
        int hash = target.indexOf('#');
        if (hash >= 0) {
            target = target.substring(0, hash);
        }
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);
        Optional<Problem.FieldError> pathProblem = checkPath(path, template, limits);
        return pathProblem.isPresent() || query == null ? pathProblem : checkQuery(query, limits);
    }

    private static Optional<Problem.FieldError> checkPath(String path, @Nullable String template, InputLimits limits) {
        if (path.length() > limits.maxPathLength()) {
            return error("path", "must be at most " + limits.maxPathLength() + " characters");
        }
        String[] segments = path.split("/", -1);
        String[] templateSegments = template == null ? new String[0] : template.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String field = i < templateSegments.length ? variableName(templateSegments[i]) : "path";
            String decoded = decode(segments[i], false);
            if (decoded == null) {
                return error(field, "must be percent-encoded UTF-8");
            }
            String problem = InputText.problem(decoded, limits.maxSegmentLength());
            if (problem != null) {
                return error(field, problem);
            }
        }
        return Optional.empty();
    }

    private static Optional<Problem.FieldError> checkQuery(String query, InputLimits limits) {
        if (query.length() > limits.maxQueryLength()) {
            return error("query", "must be at most " + limits.maxQueryLength() + " characters");
        }
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals), true);
            if (name == null) {
                return error("query", "must be percent-encoded UTF-8");
            }
            String nameProblem = InputText.problem(name, limits.maxNameLength());
            if (nameProblem != null) {
                return error("query", "parameter names " + nameProblem);
            }
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1), true);
            if (value == null) {
                return error(name, "must be percent-encoded UTF-8");
            }
            String valueProblem = InputText.problem(value, limits.maxValueLength());
            if (valueProblem != null) {
                return error(name, valueProblem);
            }
        }
        return Optional.empty();
    }

    /** {@code id} for a template segment {@code {id}} (or {@code {id:regex}}, {@code {+id}}, {@code {id*}}), else "path". */
    private static String variableName(String templateSegment) {
        if (templateSegment.length() < 3 || templateSegment.charAt(0) != '{'
                || templateSegment.charAt(templateSegment.length() - 1) != '}') {
            return "path";
        }
        String name = templateSegment.substring(1, templateSegment.length() - 1);
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        name = name.replaceAll("^[+#./;?&]|\\*$", "");
        return name.isEmpty() ? "path" : name;
    }

    private static String withoutSchemeAndAuthority(String target) {
        if (target.startsWith("/")) {
            return target;
        }
        int scheme = target.indexOf("://");
        if (scheme < 0) {
            return target;
        }
        int slash = target.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : target.substring(slash);
    }

    /**
     * Strict percent-decoding: every {@code %} starts two hex digits, every other character is printable ASCII, and
     * the bytes are UTF-8.
     *
     * @param plusIsSpace true in a query (form encoding)
     * @return the decoded text, or null when it is not so encoded
     */
    static @Nullable String decode(String encoded, boolean plusIsSpace) {
        if (encoded.indexOf('%') < 0 && (!plusIsSpace || encoded.indexOf('+') < 0) && isAscii(encoded)) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return null;
                }
                int high = Character.digit(encoded.charAt(i + 1), 16);
                int low = Character.digit(encoded.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c >= 0x80) {
                return null;
            } else {
                bytes.write(plusIsSpace && c == '+' ? ' ' : c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Problem.FieldError> error(String field, String message) {
        return Optional.of(new Problem.FieldError(field, message));
    }
}
