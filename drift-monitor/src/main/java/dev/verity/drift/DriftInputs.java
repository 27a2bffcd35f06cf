package dev.verity.drift;

import dev.verity.events.Applied;
import dev.verity.events.AppliedState;
import dev.verity.events.DesiredState;
import dev.verity.events.EventFormatException;
import dev.verity.events.EventIntake;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.drift.core.Reaction;
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
 */
@ApplicationScoped
public class DriftInputs {

    private static final Logger LOG = Logger.getLogger(DriftInputs.class);

    @Inject
    DriftService service;

    /** The service's one intake ({@code dev.verity.service.ServiceIntake}). */
    @Inject
    EventIntake intake;


    @Incoming("desired")
    @Blocking
    public void desired(ConsumerRecord<String, String> record) {
        try {
            if (record.value() == null) {
                tombstone(record.key());
                return;
            }
            VerityEvent event = intake.acceptRecord(record)
                    .orElse(null); // null: a type this version does not know, skipped and counted
            if (event instanceof DesiredState desired) {
                service.handle(() -> service.tracker().onDesired(desired));
            } else if (event instanceof TargetRemoved removed) {
                service.handle(() -> service.tracker().onRemoved(removed.target(), removed.repo(), removed.commit()));
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
            VerityEvent event = intake.acceptRecord(record)
                    .orElse(null);
            if (event instanceof Applied applied) service.handle(() -> service.tracker().onApplied(applied));
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
                service.handle(() -> {
                    service.tracker().onAppliedStateRemoved(target);
                    return Reaction.NONE;
                });
                return;
            }
            VerityEvent event = intake.acceptRecord(record)
                    .orElse(null);
            if (event instanceof AppliedState state) service.handle(() -> service.tracker().onAppliedState(state));
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

    private void tombstone(String key) {
        TargetKey target = targetOf(key);
        service.handle(() -> service.tracker().onRemoved(target, null, null));
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
