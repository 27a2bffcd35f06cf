package dev.verity.events.trace;

import java.util.Optional;

/**
 * How a consumer's span relates to the event it processes, decided in one place for every service:
 * <ul>
 * <li>{@link ChildOf} — a new event (read as it was published): the span continues the event's trace, so one trace
 *     shows a commit from the webhook to render, apply, health and alert;</li>
 * <li>{@link LinkedTo} — a replay (a compacted topic read from its beginning to rebuild state after a start): the
 *     work happens now because the process started, not because of the commit, so its span starts a trace of its
 *     own with a link to the event's context; a commit's trace does not grow a branch at every restart;</li>
 * <li>{@link Root} — no cause: nothing to continue (work from a timer, or an event without a valid
 *     {@code traceparent}).</li>
 * </ul>
 */
public sealed interface TraceCause {

    /** Continue the event's trace: the span's parent is the span that wrote the event. */
    record ChildOf(TraceParent parent) implements TraceCause {
    }

    /** Start a new trace with a link to the replayed event's context. */
    record LinkedTo(TraceParent cause) implements TraceCause {
    }

    /** Start a new trace. */
    record Root() implements TraceCause {
    }

    /** A new trace without a cause. */
    TraceCause ROOT = new Root();

    /**
     * The rule: an event's {@code traceparent} is the parent of the span that processes it, unless the record is a
     * replay ({@code replay}: read while rebuilding state from a compacted topic, before the end it had when the
     * process was assigned it), then it is only linked; an event without a valid {@code traceparent} is a root.
     */
    static TraceCause of(String traceparent, boolean replay) {
        Optional<TraceParent> parsed = TraceParent.parse(traceparent);
        if (parsed.isEmpty()) return ROOT;
        return replay ? new LinkedTo(parsed.get()) : new ChildOf(parsed.get());
    }

    /** Work done again later for an event (a timer, a self-heal): linked to what it was about, never its child. */
    static TraceCause later(String traceparent) {
        return TraceParent.parse(traceparent).<TraceCause>map(LinkedTo::new).orElse(ROOT);
    }
}
