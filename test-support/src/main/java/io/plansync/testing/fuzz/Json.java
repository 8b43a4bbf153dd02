package io.plansync.testing.fuzz;

import java.util.Map;
import java.util.stream.Collectors;

/** Writes JSON text by hand, so that tests can send what no JSON library would write (lone surrogates, say). */
public final class Json {
    private Json() {
    }

    /**
     * The string as a JSON literal. Every control character, DEL and surrogate is written as a {@code \\uXXXX}
     * escape, so a lone surrogate survives the trip (as UTF-8 it would become "?") and the text is plain ASCII
     * plus printable characters.
     */
    public static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** An object of members whose values are JSON text already. */
    public static String object(Map<String, String> members) {
        return members.entrySet().stream().map(e -> literal(e.getKey()) + ":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }
}
