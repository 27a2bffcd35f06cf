package dev.verity.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code docs/asyncapi.yaml}, the subscribers' contract: every topic Verity publishes, the CloudEvents each
 * carries, and each event's {@code data} schema, derived from the event records themselves (record components are
 * what {@link EventCodec} writes: Jackson's default for records, instants and durations as ISO-8601 text), so the
 * document cannot drift from the code ({@code AsyncApiTest}).
 */
final class AsyncApiDocument {

    /** Which events each topic carries. The test checks that every {@link EventType} is on one. */
    static final Map<String, Channel> CHANNELS = new LinkedHashMap<>();

    record Channel(String address, String key, String description, List<EventType> events, String other) {
    }

    static {
        channel(new Channel(Topics.COMMITS, "the repository's identity (RepoIdentity: host/path, whatever the URL form), so one repository is on one partition", "Commits pushed and branches deleted, as the forges' "
                + "webhooks reported them (the renderer also polls).", List.of(EventType.COMMIT_PUSHED, EventType.REF_DELETED), null));
        channel(new Channel(Topics.DESIRED_PREFIX + "{cluster}", "the target, cluster/app/env", "The latest desired state of "
                + "every target of the cluster (compacted; a tombstone after TargetRemoved forgets the target).",
                List.of(EventType.DESIRED_STATE, EventType.TARGET_REMOVED), null));
        channel(new Channel(Topics.APPLIED_PREFIX + "{cluster}", "the target, cluster/app/env", "What the applier applied "
                + "to each target, as the server stored it (compacted): the drift monitor's reference.",
                List.of(EventType.APPLIED_STATE), null));
        channel(new Channel(Topics.ROLLOUT, "the target (the repository for Rendered and a repository-wide RenderFailed)", "Renders "
                + "that ended (which targets a commit changed) or failed, and every rollout: started, applied, failed, pruned, health, waiting, suspended.",
                List.of(EventType.RENDERED, EventType.RENDER_FAILED, EventType.REMOVAL_HELD, EventType.APPLY_STARTED, EventType.APPLIED,
                        EventType.APPLY_FAILED, EventType.PRUNED, EventType.PROGRESSING, EventType.HEALTHY,
                        EventType.DEGRADED, EventType.WAITING, EventType.APPLY_SUSPENDED), null));
        channel(new Channel(Topics.DRIFT, "the target", "Drift: detected, changed, resolved, or unknown (the object "
                + "could not be compared).", List.of(EventType.DRIFT_DETECTED, EventType.DRIFT_UPDATED,
                EventType.DRIFT_RESOLVED, EventType.DRIFT_UNKNOWN), null));
        channel(new Channel(Topics.REQUESTS, "the target", "What people ask of Verity: sync a target now "
                + "(./verity sync).", List.of(EventType.SYNC_REQUESTED), null));
        channel(new Channel(Topics.INCIDENTS, "<subject>#<KIND>: a target or a repository, and the incident kind",
                "The notifier's incidents (compacted): its state, not events.", List.of(),
                "JSON written by the notifier (IncidentCodec): key, id, status OPEN|RESOLVED, openedAt, changedAt, "
                        + "resolvedAt, commit, alert {title, summary, details, nextStep, ...}, objects, threads. "
                        + "Not CloudEvents; unknown fields must be ignored."));
        channel(new Channel(Topics.UNDELIVERED, "the target", "Alerts that could not be delivered after their retries.",
                List.of(), "JSON written by the notifier (Undelivered): alert, destination, channel, attempts, reason. "
                + "Not CloudEvents; unknown fields must be ignored."));
    }

    private static void channel(Channel c) {
        CHANNELS.put(c.address(), c);
    }

    private final Map<String, Object> schemas = new LinkedHashMap<>();

    /** The document as YAML. */
    static String yaml() throws Exception {
        ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .build());
        return "# Generated from the event records by AsyncApiDocument (events module tests); do not edit.\n"
                + "# Regenerate: ./mvnw -pl events test -Dtest=AsyncApiTest -Dverity.asyncapi.write=true\n"
                + yaml.writeValueAsString(new AsyncApiDocument().document());
    }

    private Map<String, Object> document() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("asyncapi", "3.0.0");
        doc.put("info", map("title", "Verity events", "version", "1.0.0",
                "description", "The topics Verity publishes and the events on them. Events are structured CloudEvents "
                        + "1.0 in JSON (content type application/cloudevents+json); the Kafka record key is given per "
                        + "channel. Consumers must skip event types they do not know (a newer Verity may add some) and "
                        + "ignore unknown fields in data. The CloudEvents type names the version (….v1): a change that "
                        + "is not backward compatible gets a new type."));
        doc.put("defaultContentType", "application/cloudevents+json");
        Map<String, Object> channels = new LinkedHashMap<>();
        Map<String, Object> operations = new LinkedHashMap<>();
        Map<String, Object> messages = new LinkedHashMap<>();
        for (Channel c : CHANNELS.values()) {
            String id = c.address().replace("verity.", "").replace(".{cluster}", "").replace('.', '-');
            Map<String, Object> channelMessages = new LinkedHashMap<>();
            for (EventType type : c.events()) {
                String name = type.recordClass().getSimpleName();
                channelMessages.put(name, map("$ref", "#/components/messages/" + name));
                messages.put(name, message(type));
            }
            if (c.other() != null) {
                String name = id.substring(0, 1).toUpperCase() + id.substring(1) + "Record";
                channelMessages.put(name, map("$ref", "#/components/messages/" + name));
                messages.put(name, map("name", name, "contentType", "application/json", "summary", c.other(),
                        "payload", map("type", "object", "additionalProperties", true)));
            }
            Map<String, Object> channel = map("address", c.address(),
                    "description", c.description() + " Record key: " + c.key() + ".", "messages", channelMessages);
            if (c.address().contains("{cluster}")) {
                channel.put("parameters", map("cluster", map("description", "the cluster name (verity.applier.cluster)")));
            }
            channels.put(id, channel);
            operations.put("receive-" + id, map("action", "receive", "channel", map("$ref", "#/channels/" + id),
                    "summary", "Subscribe to " + c.address() + "."));
        }
        doc.put("channels", channels);
        doc.put("operations", operations);
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("messages", messages);
        schemas.put("CloudEvent", cloudEvent());
        components.put("schemas", schemas);
        doc.put("components", components);
        return doc;
    }

    private Map<String, Object> message(EventType type) {
        String name = type.recordClass().getSimpleName();
        String data = schemaOf(type.recordClass());
        return map("name", type.type(), "title", name, "contentType", "application/cloudevents+json",
                "payload", map("allOf", List.of(map("$ref", "#/components/schemas/CloudEvent"),
                        map("type", "object", "properties", map(
                                "type", map("const", type.type()),
                                "source", map("const", type.source()),
                                "data", map("$ref", "#/components/schemas/" + data))))));
    }

    private static Map<String, Object> cloudEvent() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("specversion", map("const", "1.0"));
        properties.put("id", map("type", "string", "description", "deterministic: the same content has the same id"));
        properties.put("source", map("type", "string", "description", "/verity/<service>"));
        properties.put("type", map("type", "string"));
        properties.put("subject", map("type", "string", "description", "what the event is about: cluster/app/env@commit or repo@commit"));
        properties.put("time", map("type", "string", "format", "date-time"));
        properties.put("datacontenttype", map("const", "application/json"));
        properties.put("traceparent", map("type", "string", "description", "W3C trace context of the span that wrote the event, the same"
                + " value as the Kafka record header traceparent (a tombstone carries only the header); with traces off, derived"
                + " from repository and commit (one trace id per commit)"));
        properties.put("data", map("type", "object"));
        return map("type", "object", "required", List.of("specversion", "id", "source", "type", "data"),
                "properties", properties);
    }

    /** The schema of a record (registered once under its simple name), returning that name. */
    private String schemaOf(Class<?> record) {
        String name = record.getSimpleName();
        if (schemas.containsKey(name)) return name;
        schemas.put(name, Map.of()); // placeholder against cycles
        Map<String, Object> properties = new LinkedHashMap<>();
        for (RecordComponent c : record.getRecordComponents()) properties.put(c.getName(), typeOf(c.getGenericType()));
        schemas.put(name, map("type", "object", "properties", properties));
        return name;
    }

    private Object typeOf(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (Collection.class.isAssignableFrom(raw)) {
                Map<String, Object> array = map("type", "array", "items", typeOf(p.getActualTypeArguments()[0]));
                if (java.util.Set.class.isAssignableFrom(raw)) array.put("uniqueItems", true);
                return array;
            }
            if (Map.class.isAssignableFrom(raw)) {
                Type value = p.getActualTypeArguments()[1];
                return map("type", "object", "additionalProperties", value == Object.class ? true : typeOf(value));
            }
            throw new IllegalStateException("no schema for " + type);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) return map("type", "string");
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) return map("type", "integer");
        if (c == boolean.class || c == Boolean.class) return map("type", "boolean");
        if (c == double.class || c == Double.class) return map("type", "number");
        if (c == Instant.class) return map("type", "string", "format", "date-time");
        if (c == Duration.class) return map("type", "string", "format", "duration");
        if (c == Object.class) return map();
        if (c.isEnum()) {
            List<String> values = new ArrayList<>();
            for (Object v : c.getEnumConstants()) values.add(((Enum<?>) v).name());
            return map("type", "string", "enum", values);
        }
        if (c.isRecord()) return map("$ref", "#/components/schemas/" + schemaOf(c));
        throw new IllegalStateException("no schema for " + c.getName() + ": teach AsyncApiDocument its JSON form");
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
