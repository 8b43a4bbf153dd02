package io.plansync.support.json;

import io.micronaut.core.type.Argument;
import io.micronaut.serde.Decoder;
import io.micronaut.serde.Deserializer;
import jakarta.inject.Singleton;

import java.io.IOException;

/**
 * A JSON string binds to a String field, and nothing else does. Micronaut serde would otherwise unwrap
 * {@code ["a@example.com"]} or turn {@code 5} into {@code "5"}: a client that sends the wrong type gets 400
 * VALIDATION_FAILED naming the field instead of a guess. JSON null still binds as null.
 */
@Singleton
public class StrictStrings implements Deserializer<String> {

    @Override
    public String deserialize(Decoder decoder, DecoderContext context, Argument<? super String> type)
            throws IOException {
        Object value = decoder.decodeArbitrary();
        if (value instanceof String text) {
            return text;
        }
        throw new WrongJsonType(type.getName(), "a JSON string");
    }
}
