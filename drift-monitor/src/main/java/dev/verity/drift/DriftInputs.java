package dev.verity.drift;

import dev.verity.events.Applied;
import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The Kafka inputs: desired states of this cluster's targets and rollout events. A record that is not a Verity
 * event throws, and the channel's dead-letter-queue strategy moves it to {@code <topic>.dlq}.
 */
@ApplicationScoped
public class DriftInputs {

    private static final Logger LOG = Logger.getLogger(DriftInputs.class);

    @Inject
    DriftService service;

    private final EventCodec codec = new EventCodec();

    @Incoming("desired")
    @Blocking
    public void desired(ConsumerRecord<String, String> record) {
        try {
            if (record.value() == null) {
                tombstone(record.key());
                return;
            }
            VerityEvent event = codec.decode(record.value());
            if (event instanceof DesiredState desired) {
                service.handle(() -> service.tracker().onDesired(desired));
            } else if (event instanceof TargetRemoved removed) {
                service.handle(() -> service.tracker().onRemoved(removed.target(), removed.repo(), removed.commit()));
            } else {
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
            VerityEvent event = codec.decode(record.value());
            if (event instanceof Applied applied) service.handle(() -> service.tracker().onApplied(applied));
        } finally {
            consumed(record);
        }
    }

    private void tombstone(String key) {
        TargetKey target;
        try {
            target = TargetKey.parse(key);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new EventFormatException("tombstone with key '" + key + "' is not about a target: " + e.getMessage(), e);
        }
        service.handle(() -> service.tracker().onRemoved(target, null, null));
    }

    private void consumed(ConsumerRecord<String, String> record) {
        if (service.catchUp().consumed(record.topic(), record.partition(), record.offset())) service.caughtUp();
    }
}
