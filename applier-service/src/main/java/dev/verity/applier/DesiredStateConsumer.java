package dev.verity.applier;

import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.EventIntake;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.kube.Applier;
import dev.verity.kube.ApplyResult;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * Adapter from the {@code desired} channel ({@code verity.desired.<cluster>}) to the {@link TargetReconciler},
 * and from its rollout events to the {@code rollout} channel ({@code verity.rollout}). An event of a type this
 * version does not know is skipped and counted ({@link EventIntake}); a record that cannot be decoded, or an event
 * that does not belong on this topic, fails and goes to the dead-letter topic.
 */
@ApplicationScoped
public class DesiredStateConsumer {

    private static final Logger LOG = Logger.getLogger(DesiredStateConsumer.class);

    private final EventCodec codec = new EventCodec();
    private final EventIntake intake = new EventIntake("applier", codec);
    private final DesiredStateReplay replay = new DesiredStateReplay();
    private final DesiredIndex index = new DesiredIndex();

    @Inject
    ApplierConfig config;

    @Inject
    Applier applier;

    @Inject
    ApplyMetrics metrics;

    @Inject
    @Channel("rollout")
    MutinyEmitter<String> rollout;

    private TargetReconciler reconciler;

    @PostConstruct
    void init() {
        reconciler = new TargetReconciler(config.cluster(),
                (desired, patienceOver) -> metrics.time(config.cluster(),
                        () -> applier.apply(desired, patienceOver ? index.patienceOver() : index)), this::publish,
                this::logRetried, config.moveWait(), java.time.InstantSource.system());
    }

    /** The records this consumer skipped, per unknown event type. */
    EventIntake intake() {
        return intake;
    }

    DesiredStateReplay replay() {
        return replay;
    }

    @Incoming("desired")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        int partition = record.partition();
        long offset = record.offset();
        if (record.value() == null) {
            LOG.infof("%s: tombstone on %s; the target left Git, its objects stay in the cluster (prune comes"
                    + " later)", record.key(), record.topic());
            forget(record.key());
            applyAll(replay.onRemoved(partition, offset, record.key()));
            return;
        }
        Optional<VerityEvent> decoded;
        try {
            decoded = intake.acceptEvent(record.topic(), partition, offset, record.value());
        } catch (EventFormatException e) {
            applyAll(replay.onOther(partition, offset));
            throw new EventFormatException(e.getMessage() + " (key " + record.key() + ")", e);
        }
        if (decoded.isEmpty()) {
            applyAll(replay.onOther(partition, offset)); // a newer producer's event type: skipped and counted
            return;
        }
        VerityEvent event = decoded.get();
        if (event instanceof DesiredState desired) {
            index.onDesired(desired);
            applyAll(replay.onDesired(partition, offset, desired.target().toString(), desired));
        } else if (event instanceof TargetRemoved removed) {
            LOG.infof("%s: target removed from Git; its objects stay in the cluster (prune comes later)",
                    removed.describe());
            index.onRemoved(removed.target());
            reconciler.forget(removed.target());
            applyAll(replay.onRemoved(partition, offset, removed.target().toString()));
        } else {
            applyAll(replay.onOther(partition, offset));
            throw new EventFormatException("record " + record.topic() + "-" + partition + "@" + offset + " is a "
                    + event.type() + " event about " + event.describe() + ", which does not belong on a desired-state"
                    + " topic; sent to the dead-letter topic");
        }
    }

    private void applyAll(List<DesiredState> states) {
        if (states.size() > 1) {
            LOG.infof("applying the latest desired state of %d targets rebuilt from the topic", states.size());
        }
        for (DesiredState desired : states) {
            try {
                log(reconciler.reconcile(desired));
            } catch (RolloutNotPublished e) {
                LOG.errorf("%s: %s", desired.describe(), e.getMessage());
            }
        }
    }

    /**
     * Gives up on desired states held for an object moving between targets once their wait is over (their
     * {@code ApplyFailed} is published then).
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireHeld() {
        if (reconciler == null) return;
        try {
            reconciler.expire().forEach(this::log);
        } catch (RolloutNotPublished e) {
            LOG.errorf("%s", e.getMessage());
        }
    }

    private void logRetried(TargetReconciler.Reconciliation reconciliation) {
        try {
            log(reconciliation);
        } catch (RuntimeException e) {
            LOG.errorf("logging a retried reconciliation failed: %s", e.getMessage());
        }
    }

    private void log(TargetReconciler.Reconciliation reconciliation) {
        if (reconciliation instanceof TargetReconciler.Reconciliation.Skipped s) {
            LOG.infof("%s: nothing applied: %s", s.desired().describe(), s.reason());
            return;
        }
        TargetReconciler.Reconciliation.Reconciled r = (TargetReconciler.Reconciliation.Reconciled) reconciliation;
        ApplyResult result = r.result();
        if (result.succeeded()) {
            LOG.infof("%s: applied %d object(s) (%s), digest %s", r.event().describe(), result.objects().size(),
                    result.summary(), result.digest());
        } else {
            LOG.warnf("apply failed at step %s: %s", result.failedAt().name().toLowerCase(), result.error());
        }
    }

    private void publish(TargetEvent event) {
        Message<String> message = Message.of(codec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build());
        try {
            rollout.sendMessage(message).await().atMost(config.publishTimeout());
        } catch (RuntimeException e) {
            throw new RolloutNotPublished(event.type() + " could not be published to the rollout topic within "
                    + config.publishTimeout() + " (" + e.getMessage() + "); it is published again when the applier"
                    + " restarts or the target changes", e);
        }
    }

    private void forget(String key) {
        try {
            index.onRemoved(TargetKey.parse(key));
            reconciler.forget(TargetKey.parse(key));
        } catch (RuntimeException e) {
            LOG.warnf("tombstone with key '%s', which is not a target key cluster/app/env; ignored", key);
        }
    }

    /** Kafka did not acknowledge a rollout event; the apply itself happened. */
    static final class RolloutNotPublished extends RuntimeException {
        RolloutNotPublished(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
