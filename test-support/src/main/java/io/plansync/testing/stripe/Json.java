package io.plansync.testing.stripe;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.Map;

/** Small helpers for building Stripe-shaped JSON. */
final class Json {
    static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    static final Gson PRETTY = new GsonBuilder().serializeNulls().disableHtmlEscaping().setPrettyPrinting().create();

    private Json() {
    }

    /** An object from name/value pairs; a value is text, a number, a boolean, JSON, a map of text, or null. */
    static JsonObject obj(Object... pairs) {
        JsonObject out = new JsonObject();
        for (int i = 0; i < pairs.length; i += 2) {
            out.add((String) pairs[i], value(pairs[i + 1]));
        }
        return out;
    }

    static JsonElement value(Object value) {
        return switch (value) {
            case null -> JsonNull.INSTANCE;
            case JsonElement e -> e;
            case String s -> new JsonPrimitive(s);
            case Number n -> new JsonPrimitive(n);
            case Boolean b -> new JsonPrimitive(b);
            case Map<?, ?> m -> {
                JsonObject o = new JsonObject();
                m.forEach((k, v) -> o.add(String.valueOf(k), value(v)));
                yield o;
            }
            default -> throw new IllegalArgumentException("not JSON: " + value.getClass());
        };
    }

    static JsonArray array(Iterable<? extends JsonElement> elements) {
        JsonArray out = new JsonArray();
        elements.forEach(out::add);
        return out;
    }

    static String str(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    static Long num(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : e.getAsLong();
    }

    static boolean bool(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && !e.isJsonNull() && e.getAsBoolean();
    }
}
