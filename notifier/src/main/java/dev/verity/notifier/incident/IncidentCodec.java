package dev.verity.notifier.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.nio.charset.StandardCharsets;

/**
 * An {@link Incident} as {@code verity.incidents} keeps it: JSON, instants as ISO-8601 text, unknown fields ignored
 * (a newer notifier may add some), keyed by {@link IncidentKey#recordKey()}.
 */
public final class IncidentCodec {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public byte[] encode(Incident incident) {
        try {
            return JSON.writeValueAsBytes(incident);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("incident " + incident.key() + " cannot be written as JSON", e);
        }
    }

    /**
     * The incident a record holds.
     *
     * @throws IllegalArgumentException when it is not an incident (the message says where it failed, never quotes it)
     */
    public Incident decode(byte[] value) {
        try {
            return JSON.readValue(value, Incident.class);
        } catch (java.io.IOException | RuntimeException e) {
            String where = e instanceof JsonProcessingException j && j.getLocation() != null
                    ? " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")" : "";
            throw new IllegalArgumentException("not an incident record" + where + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    public String encodeToString(Incident incident) {
        return new String(encode(incident), StandardCharsets.UTF_8);
    }
}
