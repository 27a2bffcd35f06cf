package dev.verity.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads an instant written as RFC 3339 UTC text ({@code 2026-11-25T10:00:00Z}, {@link Instant#toString()}), the way
 * event records carry times (written with {@code ToStringSerializer}); anything else is a decoding error naming the
 * value. Kept here so that {@code events} needs no Jackson module.
 */
final class IsoInstant extends StdScalarDeserializer<Instant> {

    IsoInstant() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
        }
        String text = p.getText().trim();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return (Instant) ctxt.handleWeirdStringValue(Instant.class, text,
                    "not an RFC 3339 time (e.g. 2026-11-25T10:00:00Z)");
        }
    }
}
