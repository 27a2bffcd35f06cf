package dev.verity.service;

import dev.verity.events.EventCodec;
import dev.verity.events.VerityEvent;
import dev.verity.events.trace.TraceCause;
import dev.verity.events.trace.TraceParent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The OpenTelemetry adapter every service uses, so that one trace follows a commit through every process with one
 * source of truth for its context: the CloudEvent's {@code traceparent}, which the producer writes from its current
 * span ({@link #traceparent()}) and mirrors in the Kafka header of the same name ({@link #headers(String)}); consumers
 * read the CloudEvent's (SmallRye's own Kafka tracing is off: {@code tracing-enabled=false}, so it adds no second
 * context). A consumer runs its work {@link #inSpan in a span} whose relation to the event {@link TraceCause} decides:
 * child of a new event, linked to a replayed one.
 *
 * <p>With traces off ({@link TracesNeedAnEndpoint}: no endpoint configured) it starts no span, and
 * {@link #traceparent()} is null, so events carry the traceparent derived from their repository and commit.
 */
@ApplicationScoped
public class EventTracing {

    @Inject
    OpenTelemetry openTelemetry;

    @ConfigProperty(name = TracesNeedAnEndpoint.SDK_DISABLED, defaultValue = "false")
    boolean disabled;

    private volatile Tracer tracer;

    /** Whether spans are recorded (a trace endpoint is configured). */
    public boolean enabled() {
        return !disabled;
    }

    /** Runs {@code work} in a span named {@code name} (what it does), related to its cause as {@code cause} says. */
    public void inSpan(String name, TraceCause cause, Map<String, String> attributes, Runnable work) {
        inSpan(name, cause, attributes, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} in a span named {@code name}, with {@code attributes} naming what it works on; the span is the
     * current one meanwhile, so every event the work writes carries its context. A failure is recorded on the span
     * and rethrown.
     */
    public <T> T inSpan(String name, TraceCause cause, Map<String, String> attributes, Supplier<T> work) {
        if (disabled) return work.get();
        Span span = start(name, cause, attributes);
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    private Span start(String name, TraceCause cause, Map<String, String> attributes) {
        SpanBuilder builder = tracer().spanBuilder(name).setAllAttributes(attributes(attributes));
        if (cause instanceof TraceCause.ChildOf child) {
            builder.setParent(Context.root().with(Span.wrap(remote(child.parent())))).setSpanKind(SpanKind.CONSUMER);
        } else if (cause instanceof TraceCause.LinkedTo linked) {
            builder.setNoParent().addLink(remote(linked.cause()), Attributes.builder()
                    .put("verity.link", "replay or later work for this event").build()).setSpanKind(SpanKind.CONSUMER);
        } else {
            builder.setNoParent().setSpanKind(SpanKind.INTERNAL);
        }
        return builder.startSpan();
    }

    /** Adds attributes to the current span (e.g. the receiver's server span, once the delivery is parsed). */
    public void describe(Map<String, String> attributes) {
        if (disabled) return;
        Span.current().setAllAttributes(attributes(attributes));
    }

    /**
     * The traceparent for an event written now: the current span's context, or null when there is none (traces off,
     * or work outside any span), and the codec derives one from the event's repository and commit.
     */
    public String traceparent() {
        if (disabled) return null;
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid()) return null;
        return new TraceParent(context.getTraceId(), context.getSpanId(), context.isSampled()).toString();
    }

    /**
     * The {@value TraceParent#HEADER} Kafka header of a record, or null: what a consumer reads for a tombstone, which
     * has no CloudEvent (for an event, the CloudEvent attribute is the source of truth).
     */
    public static String header(Headers headers) {
        org.apache.kafka.common.header.Header h = headers == null ? null : headers.lastHeader(TraceParent.HEADER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
    }

    /** The context current now, to carry work to another thread ({@code Context.wrap}); root with traces off. */
    public Context current() {
        return disabled ? Context.root() : Context.current();
    }

    /**
     * A record's value and headers: the event's CloudEvent and its traceparent mirrored in the Kafka header; {@code id}
     * is the CloudEvent's id.
     */
    public record Outgoing(String id, String value, Headers headers) {
    }

    /** {@code event} encoded with the current span's context ({@link #traceparent()}), and the headers mirroring it. */
    public Outgoing encode(EventCodec codec, VerityEvent event) {
        return encode(codec, event, traceparent());
    }

    /**
     * {@code event} encoded with {@code traceparent} (null: the one derived from its repository and commit), and the
     * Kafka headers carrying the same value: one value in both places.
     */
    public static Outgoing encode(EventCodec codec, VerityEvent event, String traceparent) {
        EventCodec.Encoded encoded = codec.encoded(event, traceparent);
        // the codec wrote a valid traceparent in its canonical form: the header carries it as it is, unparsed
        RecordHeaders headers = new RecordHeaders();
        headers.add(TraceParent.HEADER, encoded.traceparent().getBytes(StandardCharsets.US_ASCII));
        return new Outgoing(encoded.id(), encoded.json(), headers);
    }

    /**
     * The Kafka headers of a record whose value carries {@code traceparent} (null: none), mirroring the CloudEvent
     * attribute in the header of the same name; for a tombstone, which has no CloudEvent, the header alone says
     * which trace removed the target.
     */
    public static Headers headers(String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        TraceParent.parse(traceparent).ifPresent(tp ->
                headers.add(TraceParent.HEADER, tp.toString().getBytes(StandardCharsets.US_ASCII)));
        return headers;
    }

    private static SpanContext remote(TraceParent parent) {
        return SpanContext.createFromRemoteParent(parent.traceId(), parent.spanId(),
                parent.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
    }

    private static Attributes attributes(Map<String, String> attributes) {
        AttributesBuilder builder = Attributes.builder();
        attributes.forEach((k, v) -> {
            if (v != null) builder.put(k, v);
        });
        return builder.build();
    }

    private Tracer tracer() {
        Tracer t = tracer;
        if (t == null) tracer = t = openTelemetry.getTracer("dev.verity");
        return t;
    }
}
