package dev.verity.drift;

import dev.verity.events.Applied;
import dev.verity.events.AppliedState;
import dev.verity.events.DesiredState;
import dev.verity.events.Envelope;
import dev.verity.events.EventFormatException;
import dev.verity.events.EventIntake;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.drift.core.Reaction;
import dev.verity.events.trace.SpanAttributes;
import dev.verity.events.trace.TraceCause;
import dev.verity.service.EventTracing;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The Kafka inputs: desired states of this cluster's targets, what the applier stored for them
 * ({@code AppliedState}), rollout events, and (while rebuilding) the drift history. An event of a type this version does not know is skipped and counted ({@link EventIntake}); a
 * desired-state or rollout record that cannot be decoded throws, and the channel's dead-letter-queue strategy moves
 * it to {@code <topic>.dlq}.
 *
 * <p>Each input the tracker acts on is taken in a span ({@code track desired state}, {@code track applied state},
 * {@code compare after apply}, {@code track removal}) that continues the event's trace when the record is new and only
 * links to it when it is replayed from the start of its topic ({@link dev.verity.drift.core.CatchUp#replayed}). The
 * drift history read back at start makes no span: it only restores what was reported.
 */
@ApplicationScoped
public class DriftInputs {

    private static final Logger LOG = Logger.getLogger(DriftInputs.class);

    @Inject
    DriftService service;

    /** The service's one intake ({@code dev.verity.service.ServiceIntake}). */
    @Inject
    EventIntake intake;

    @Inject
    EventTracing tracing;

    @Incoming("desired")
    @Blocking
    public void desired(ConsumerRecord<String, String> record) {
        try {
            if (record.value() == null) {
                TargetKey target = targetOf(record.key());
                inSpan("track removal", cause(record, EventTracing.header(record.headers())), target,
                        () -> tombstone(target));
                return;
            }
            Envelope envelope = intake.acceptEnvelope(record)
                    .orElse(null); // null: a type this version does not know, skipped and counted
            VerityEvent event = envelope == null ? null : envelope.event();
            if (event instanceof DesiredState desired) {
                inSpan("track desired state", cause(record, envelope.traceparent()), desired.target(),
                        () -> service.handle(() -> service.tracker().onDesired(desired)));
            } else if (event instanceof TargetRemoved removed) {
                inSpan("track removal", cause(record, envelope.traceparent()), removed.target(),
                        () -> service.handle(() -> service.tracker().onRemoved(removed.target(), removed.repo(),
                                removed.commit())));
            } else if (event != null) {
                LOG.debugf("ignoring %s on the desired-state topic", event.type());
            }
        } finally {
            consumed(record);
        }
    }

    @Incoming("rollout")
    @Blocking
    public void rollout(ConsumerRecord<String, String> record) {
        try {
            Envelope envelope = intake.acceptEnvelope(record).orElse(null);
            if (envelope != null && envelope.event() instanceof Applied applied) {
                inSpan("compare after apply", cause(record, envelope.traceparent()), applied.target(),
                        () -> service.handle(() -> service.tracker().onApplied(applied)));
            }
        } finally {
            consumed(record);
        }
    }

    /** What the applier wrote per target, as the server stored it ({@code verity.applied.<cluster>}, compacted). */
    @Incoming("applied")
    @Blocking
    public void applied(ConsumerRecord<String, String> record) {
        try {
            if (record.value() == null) {
                TargetKey target = targetOf(record.key());
                inSpan("track applied state", cause(record, EventTracing.header(record.headers())), target,
                        () -> service.handle(() -> {
                            service.tracker().onAppliedStateRemoved(target);
                            return Reaction.NONE;
                        }));
                return;
            }
            Envelope envelope = intake.acceptEnvelope(record).orElse(null);
            if (envelope != null && envelope.event() instanceof AppliedState state) {
                inSpan("track applied state", cause(record, envelope.traceparent()), state.target(),
                        () -> service.handle(() -> service.tracker().onAppliedState(state)));
            }
        } finally {
            consumed(record);
        }
    }

    /**
     * The drift topic read back from the beginning while the monitor rebuilds its state: what it reported before a
     * restart. Records after that are its own events and are ignored; records it cannot read are skipped (the topic
     * belongs to the notifier's consumers too, whose dead-letter topic receives them).
     */
    @Incoming("history")
    @Blocking
    public void history(ConsumerRecord<String, String> record) {
        try {
            if (service.tracker().isReady() || record.value() == null) return;
            VerityEvent event = intake.acceptRecord(record)
                    .orElse(null);
            if (event instanceof TargetEvent drift) service.handle(() -> {
                service.tracker().remember(drift);
                return Reaction.NONE;
            });
        } catch (EventFormatException e) {
            LOG.warnf("skipping %s-%d@%d while reading drift history: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        } finally {
            consumed(record);
        }
    }

    private void tombstone(TargetKey target) {
        service.handle(() -> service.tracker().onRemoved(target, null, null));
    }

    /** Runs an input's work in a span about {@code target}, which later drift about it links to. */
    private void inSpan(String name, TraceCause cause, TargetKey target, Runnable work) {
        tracing.inSpan(name, cause, SpanAttributes.of(target), () -> {
            service.traced(target);
            work.run();
        });
    }

    /** Child of a new record's event; a link for a record replayed from before the end its partition had at start. */
    private TraceCause cause(ConsumerRecord<String, String> record, String traceparent) {
        return TraceCause.of(traceparent, service.catchUp().replayed(record.topic(), record.partition(), record.offset()));
    }

    private static TargetKey targetOf(String key) {
        try {
            return TargetKey.parse(key);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new EventFormatException("tombstone with key '" + key + "' is not about a target: " + e.getMessage(), e);
        }
    }

    private void consumed(ConsumerRecord<String, String> record) {
        if (service.catchUp().consumed(record.topic(), record.partition(), record.offset())
                || service.takingOver()) service.caughtUp();
    }
}
