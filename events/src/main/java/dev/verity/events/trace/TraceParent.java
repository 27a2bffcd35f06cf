package dev.verity.events.trace;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A W3C trace context ({@code traceparent}, version {@code 00}): {@code 00-<trace id>-<parent span id>-<flags>}, the
 * value of the CloudEvents Distributed Tracing extension on every Verity event and of the Kafka record header of the
 * same name. One value, written once by the producer into both places, so that there is one source of truth.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId  16 lower-case hex digits, not all zero: the span of the process that wrote the event
 * @param sampled whether the writer recorded its span (flag {@code 01})
 */
public record TraceParent(String traceId, String spanId, boolean sampled) {

    /** The Kafka record header (and CloudEvents extension attribute) that carries the value. */
    public static final String HEADER = "traceparent";

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern VALUE = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");

    public TraceParent {
        if (traceId == null || !TRACE_ID.matcher(traceId).matches() || traceId.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("trace id '" + traceId + "' is not 32 lower-case hex digits, not all 0");
        }
        if (spanId == null || !SPAN_ID.matcher(spanId).matches() || spanId.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("span id '" + spanId + "' is not 16 lower-case hex digits, not all 0");
        }
    }

    /**
     * Reads a {@code traceparent} value as W3C Trace Context says a receiver does: version {@code ff} and all-zero ids
     * are invalid; a later version is read by its first four fields; upper-case hex is invalid. Empty when the value
     * is missing or invalid (the event then starts a trace of its own where it is consumed).
     */
    public static Optional<TraceParent> parse(String value) {
        if (value == null) return Optional.empty();
        var m = VALUE.matcher(value.trim());
        if (!m.matches()) return Optional.empty();
        String version = m.group(1);
        if (version.equals("ff") || (version.equals("00") && m.group(5) != null)) return Optional.empty();
        try {
            return Optional.of(new TraceParent(m.group(2), m.group(3), (Integer.parseInt(m.group(4), 16) & 1) == 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The value as written on the wire: {@code 00-<trace id>-<span id>-01} (or {@code -00} when not sampled). */
    @Override
    public String toString() {
        return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
    }

    /** The trace id in a {@code traceparent} value, if it is a valid one. */
    public static Optional<String> traceIdOf(String value) {
        return parse(value).map(TraceParent::traceId);
    }
}
