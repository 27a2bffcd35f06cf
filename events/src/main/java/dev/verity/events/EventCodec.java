package dev.verity.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.verity.events.trace.TraceParent;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Encodes events as structured-mode JSON CloudEvents 1.0 and decodes them back.
 *
 * <pre>{"specversion":"1.0","id":"…","source":"/verity/renderer","type":"dev.verity.desired.state.v1",
 *  "subject":"local/shop/prod","time":"…","datacontenttype":"application/json","traceparent":"00-…-…-01",
 *  "data":{…}}</pre>
 *
 * The id is a digest of the type and the data, so a redelivered or re-published event keeps its id. The
 * {@code traceparent} is the one the producer gives ({@link #encode(VerityEvent, String)}: the context of the span that
 * wrote the event, when tracing is on); without one it is derived from repository and commit
 * ({@link #traceparentOf}), so every event caused by one commit still shares one trace id. The producer mirrors the
 * same value in the Kafka header {@value TraceParent#HEADER}; consumers read this attribute.
 */
public final class EventCodec {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Clock clock;

    public EventCodec() {
        this(Clock.systemUTC());
    }

    public EventCodec(Clock clock) {
        this.clock = clock;
    }

    /** The deterministic CloudEvents id of an event. */
    public static String idOf(VerityEvent event) {
        return idOf(event, dataJson(event));
    }

    private static String idOf(VerityEvent event, String dataJson) {
        return Digests.hex(event.type(), dataJson).substring(0, 32);
    }

    /**
     * The W3C traceparent an event carries when its producer has no trace context of its own: trace id from repo and
     * commit, span id from the event id.
     */
    public static String traceparentOf(VerityEvent event) {
        return traceparentOf(event, idOf(event));
    }

    private static String traceparentOf(VerityEvent event, String id) {
        String traceId = Digests.hex("trace", event.repo(), event.commit()).substring(0, 32);
        String spanId = Digests.hex("span", id).substring(0, 16);
        return "00-" + traceId + "-" + spanId + "-01";
    }

    /** An event as it goes on a topic: its CloudEvents id, the traceparent it carries, and the whole CloudEvent. */
    public record Encoded(String id, String traceparent, String json) {
    }

    /**
     * {@link #encode(VerityEvent, String)} with the id and traceparent it wrote, from one serialisation of the
     * event's data (producers send many events: the id, the derived traceparent and the envelope all come from it).
     */
    public Encoded encoded(VerityEvent event, String traceparent) {
        String data = dataJson(event);
        String id = idOf(event, data);
        String carried = valid(traceparent).orElseGet(() -> traceparentOf(event, id));
        return new Encoded(id, carried, envelope(event, id, carried, data));
    }

    /** The event with the traceparent derived from its repository and commit ({@link #traceparentOf}). */
    public String encode(VerityEvent event) {
        return encode(event, null);
    }

    /**
     * The event carrying {@code traceparent} (the producer's span context); a null or invalid one is replaced by the
     * derived {@link #traceparentOf}, so every event has a valid one.
     */
    public String encode(VerityEvent event, String traceparent) {
        return encoded(event, traceparent).json();
    }

    /** The traceparent {@link #encode(VerityEvent, String)} writes: {@code given} when valid, else the derived one. */
    public static String traceparentFor(VerityEvent event, String given) {
        return valid(given).orElseGet(() -> traceparentOf(event));
    }

    /** {@code given} in its canonical form, when it is a valid traceparent. */
    private static Optional<String> valid(String given) {
        return TraceParent.parse(given).map(TraceParent::toString);
    }

    /** The structured CloudEvent around {@code data}, the event's JSON, written as it is. */
    private String envelope(VerityEvent event, String id, String traceparent, String data) {
        EventType type = EventType.of(event.getClass());
        StringWriter out = new StringWriter(data.length() + 400);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("specversion", "1.0");
            json.writeStringField("id", id);
            json.writeStringField("source", type.source());
            json.writeStringField("type", type.type());
            json.writeStringField("subject", event.key());
            json.writeStringField("time", Instant.now(clock).toString());
            json.writeStringField("datacontenttype", "application/json");
            json.writeStringField("traceparent", traceparent);
            json.writeFieldName("data");
            json.writeRawValue(data);
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + event.describe() + " as JSON", e);
        }
        return out.toString();
    }

    /**
     * Decodes a structured CloudEvent of a type this version knows; anything else is an {@link EventFormatException}
     * naming what is wrong. Consumers that must tolerate newer producers use {@link #read(String)}.
     */
    public Envelope decodeEnvelope(String json) {
        Decoded decoded = read(json);
        if (decoded instanceof Decoded.UnknownType u) {
            throw new EventFormatException("unknown event type '" + u.type() + "'; this consumer knows "
                    + Arrays.stream(EventType.values()).map(EventType::type).toList());
        }
        return ((Decoded.Known) decoded).envelope();
    }

    /**
     * The decoding decision every consumer makes: a structured CloudEvents 1.0 record of a type this version knows is
     * {@link Decoded.Known}; a well-formed one ({@code specversion} 1.0 and the required {@code id}, {@code source}
     * and {@code type}) of any other type, a newer version of a known type included, is {@link Decoded.UnknownType},
     * whatever its data; everything else (not JSON, not a CloudEvent, a known type whose data does not match its
     * record) is an {@link EventFormatException}, which consumers send to the dead-letter topic.
     */
    public Decoded read(String json) {
        if (json == null) throw new EventFormatException("record has no value (a tombstone is not an event)");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // the parser's message quotes the offending token, which could be part of a Secret: name the place only
            throw new EventFormatException("record is not JSON (at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) throw new EventFormatException("record is not a JSON object");
        if (!"1.0".equals(text(root, "specversion"))) {
            throw new EventFormatException("record is not a CloudEvents 1.0 structured event (specversion '"
                    + text(root, "specversion") + "')");
        }
        for (String required : List.of("id", "source", "type")) {
            JsonNode n = root.get(required);
            if (n == null || !n.isTextual() || n.asText().isBlank()) {
                throw new EventFormatException("record is not a CloudEvent: the required attribute '" + required
                        + "' is missing or not a non-empty string");
            }
        }
        Optional<EventType> known = EventType.find(text(root, "type"));
        if (known.isEmpty()) return new Decoded.UnknownType(text(root, "type"), text(root, "id"), text(root, "source"));
        EventType type = known.get();
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) throw new EventFormatException(type.type() + " event has no data object");
        VerityEvent event;
        try {
            event = JSON.treeToValue(data, type.recordClass());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventFormatException("cannot read " + type.type() + " data: " + rootMessage(e), e);
        }
        Instant time;
        try {
            time = root.hasNonNull("time") ? Instant.parse(text(root, "time")) : null;
        } catch (DateTimeParseException e) {
            throw new EventFormatException("event time '" + text(root, "time") + "' is not RFC 3339", e);
        }
        return new Decoded.Known(new Envelope(text(root, "id"), text(root, "source"), type.type(),
                text(root, "subject"), time, text(root, "traceparent"), event));
    }

    public VerityEvent decode(String json) {
        return decodeEnvelope(json).event();
    }

    /** Decodes and checks the event is of the expected kind. */
    public <T extends VerityEvent> T decode(String json, Class<T> expected) {
        VerityEvent event = decode(json);
        if (!expected.isInstance(event)) {
            throw new EventFormatException("expected " + EventType.of(expected).type() + " but got " + event.type());
        }
        return expected.cast(event);
    }

    private static String dataJson(VerityEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.describe() + " as JSON", e);
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage();
    }
}
