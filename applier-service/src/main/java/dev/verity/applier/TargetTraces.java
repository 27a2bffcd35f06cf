package dev.verity.applier;

import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.trace.SpanAttributes;
import dev.verity.events.trace.TraceCause;
import dev.verity.service.EventTracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The applier's traces: per target, how the work on its latest desired state relates to that event's trace
 * ({@link TraceCause}: a child when the record was new, a link when it was replayed at start) and the context of the
 * span that applied it, so that health reported later continues the apply's trace. Events published outside any span
 * (a periodic reconcile, a held desired state released, a deferred self-heal) get a span of their own linked to the
 * target's trace, so every event carries a context a backend can show.
 */
@ApplicationScoped
public class TargetTraces {

    @Inject
    EventTracing tracing;

    /** Per target: the latest desired state (or removal) and the cause its work runs under. */
    private final Map<String, Caused> causes = new ConcurrentHashMap<>();
    /** Per target: the traceparent of the span that last applied it. */
    private final Map<TargetKey, String> applied = new ConcurrentHashMap<>();

    private record Caused(Object work, TraceCause cause) {
    }

    /** A desired state, removal or tombstone ({@code work}) of {@code key} was read, with its event's cause. */
    void arrived(String key, Object work, TraceCause cause) {
        causes.put(key, new Caused(work, cause));
    }

    /** The cause of {@code work} (the latest arrived for its key), or a root when another arrived since. */
    TraceCause causeOf(String key, Object work) {
        Caused caused = causes.get(key);
        return caused != null && caused.work().equals(work) ? caused.cause() : TraceCause.ROOT;
    }

    /** Runs {@code work} in a span named {@code name} about {@code target}. */
    <T> T inSpan(String name, TraceCause cause, TargetKey target, Supplier<T> work) {
        return tracing.inSpan(name, cause, SpanAttributes.of(target), work);
    }

    /** Runs {@code work} in a span named {@code name} about {@code event} (its target, repository and commit). */
    <T> T inSpan(String name, TraceCause cause, TargetEvent event, Supplier<T> work) {
        return tracing.inSpan(name, cause, SpanAttributes.of(event), work);
    }

    /** The apply of {@code target} ran in the current span: health reported later continues it. */
    void applied(TargetKey target) {
        String traceparent = tracing.traceparent();
        if (traceparent != null) applied.put(target, traceparent);
    }

    /** How health checked later relates to the apply: a child of the apply's span (or a root when unknown). */
    TraceCause afterApply(TargetKey target) {
        return TraceCause.of(applied.get(target), false);
    }

    /**
     * Runs {@code publish} of {@code event} in the current span, or, outside any, in a span {@code publish rollout
     * event} linked to the trace of the target's latest desired state.
     */
    void publishing(TargetEvent event, Runnable publish) {
        if (!tracing.enabled() || tracing.traceparent() != null) {
            publish.run();
            return;
        }
        String traceparent = applied.get(event.target());
        tracing.inSpan("publish rollout event", TraceCause.later(traceparent), SpanAttributes.of(event), publish);
    }

    /** The target left Git. */
    void forget(TargetKey target) {
        applied.remove(target);
    }
}
