package io.plansync.payment.webhook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.model.Event;
import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.Optional;

/**
 * The parts of a verified Stripe event that PlanSync uses, read from the event's raw data object so that they do
 * not depend on the event's API version.
 */
public record StripeEvent(String id, String type, Instant created, JsonObject object) {

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
        return new StripeEvent(event.getId(), event.getType(), Instant.ofEpochSecond(event.getCreated()), object);
    }

    Optional<String> string(String field) {
        JsonElement value = object.get(field);
        return value == null || value.isJsonNull() || !value.isJsonPrimitive() ? Optional.empty()
                : Optional.of(value.getAsString());
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
        JsonElement value = object.get(field);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean() && value.getAsBoolean();
    }

    @Nullable
    String metadata(String key) {
        JsonElement metadata = object.get("metadata");
        if (metadata == null || !metadata.isJsonObject()) {
            return null;
        }
        JsonElement value = metadata.getAsJsonObject().get(key);
        return value == null || !value.isJsonPrimitive() ? null : value.getAsString();
    }
}
