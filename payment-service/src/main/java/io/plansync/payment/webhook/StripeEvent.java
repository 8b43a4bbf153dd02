package io.plansync.payment.webhook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.model.Event;
import io.micronaut.core.annotation.Nullable;
import io.plansync.support.input.InputText;

import java.time.Instant;
import java.util.Optional;

/**
 * The parts of a verified Stripe event that PlanSync uses, read from the event's raw data object so that they do
 * not depend on the event's API version.
 */
public record StripeEvent(String id, String type, Instant created, boolean livemode, JsonObject object) {
    /**
     * The longest id, type or value of an event that is read (Stripe's ids are about 30 characters). Longer text,
     * or text with control characters, could not be stored (PostgreSQL refuses NUL; a key this long overflows an
     * index entry), so even a signed event carrying it is refused (id, type) or the value is taken as absent.
     */
    static final int MAX_TEXT = 255;

    public StripeEvent {
        if (!storable(id) || !storable(type)) {
            throw new IllegalArgumentException("event id or type is not storable text");
        }
    }

    /**
     * Reads an event from a webhook body whose signature was verified, without building stripe-java's whole
     * {@code Event} model (the webhook path is hot).
     *
     * @throws IllegalArgumentException if it is not an event with an id, a type, a created time and a data object
     */
    public static StripeEvent parse(String payload) {
        try {
            JsonObject root = JsonParser.parseString(payload).getAsJsonObject();
            JsonObject object = root.getAsJsonObject("data").getAsJsonObject("object");
            String id = root.get("id").getAsString();
            String type = root.get("type").getAsString();
            long created = root.get("created").getAsLong();
            JsonElement livemode = root.get("livemode");
            if (object == null) {
                throw new IllegalArgumentException("event lacks a data object");
            }
            return new StripeEvent(id, type, Instant.ofEpochSecond(created), isTrue(livemode), object);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Stripe event with id, type, created and data.object");
        }
    }

    /** An event as stripe-java returns it from the API (the reconciliation's event list). */
    public static StripeEvent from(Event event) {
        if (event.getId() == null || event.getType() == null || event.getCreated() == null) {
            throw new IllegalArgumentException("event lacks id, type or created");
        }
        JsonObject object;
        try {
            // stripe-java throws NullPointerException when data or data.object is absent.
            object = JsonParser.parseString(event.getDataObjectDeserializer().getRawJson()).getAsJsonObject();
        } catch (NullPointerException e) {
            throw new IllegalArgumentException("event lacks a data object");
        }
        return new StripeEvent(event.getId(), event.getType(), Instant.ofEpochSecond(event.getCreated()),
                Boolean.TRUE.equals(event.getLivemode()), object);
    }

    Optional<String> string(String field) {
        JsonElement value = object.get(field);
        return value == null || value.isJsonNull() || !value.isJsonPrimitive() ? Optional.empty()
                : Optional.of(value.getAsString()).filter(StripeEvent::storable);
    }

    /** A text value inside nested objects of the data object, e.g. {@code parent.subscription_details.subscription}. */
    Optional<String> string(String object1, String object2, String field) {
        JsonElement first = object.get(object1);
        if (first == null || !first.isJsonObject()) {
            return Optional.empty();
        }
        JsonElement second = first.getAsJsonObject().get(object2);
        if (second == null || !second.isJsonObject()) {
            return Optional.empty();
        }
        JsonElement value = second.getAsJsonObject().get(field);
        return value == null || value.isJsonNull() || !value.isJsonPrimitive() ? Optional.empty()
                : Optional.of(value.getAsString()).filter(StripeEvent::storable);
    }

    Optional<Long> number(String field) {
        JsonElement value = object.get(field);
        try {
            return value == null || value.isJsonNull() ? Optional.empty() : Optional.of(value.getAsLong());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    boolean flag(String field) {
        return isTrue(object.get(field));
    }

    private static boolean isTrue(JsonElement value) {
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean() && value.getAsBoolean();
    }

    @Nullable
    String metadata(String key) {
        JsonElement metadata = object.get("metadata");
        if (metadata == null || !metadata.isJsonObject()) {
            return null;
        }
        JsonElement value = metadata.getAsJsonObject().get(key);
        return value == null || !value.isJsonPrimitive() || !storable(value.getAsString()) ? null
                : value.getAsString();
    }

    private static boolean storable(String text) {
        return InputText.problem(text, MAX_TEXT) == null;
    }
}
