package dev.verity.testkit.otel;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One span as the collector received it.
 *
 * @param service      the {@code service.name} resource attribute of the process that sent it
 * @param traceId      32 hex digits
 * @param spanId       16 hex digits
 * @param parentSpanId 16 hex digits, or null for a root span
 * @param kind         {@code SERVER}, {@code CONSUMER}, {@code INTERNAL}, … (OTLP's span kind without its prefix)
 * @param attributes   the span's attributes, each value as text
 * @param links        the spans it links to (a replay's span links to the event's context instead of continuing it)
 */
public record CollectedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
        String kind, Instant start, Instant end, Map<String, String> attributes, List<Link> links) {

    /** A link to another span's context. */
    public record Link(String traceId, String spanId) {
    }

    public CollectedSpan {
        attributes = Map.copyOf(attributes);
        links = List.copyOf(links);
    }

    public boolean root() {
        return parentSpanId == null;
    }

    /** One line for failure messages and the collector's page. */
    public String readable() {
        return service + " " + kind + " '" + name + "' " + spanId + (root() ? " (root)" : " ← " + parentSpanId)
                + (links.isEmpty() ? "" : " links " + links.stream().map(l -> l.traceId() + "/" + l.spanId()).toList())
                + " " + attributes;
    }
}
