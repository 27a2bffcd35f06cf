package dev.verity.applier;

import dev.verity.events.AppliedState;
import dev.verity.events.DesiredState;
import dev.verity.events.Envelope;
import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.EventIntake;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.events.trace.TraceCause;
import dev.verity.service.EventTracing;
import dev.verity.kube.Applier;
import dev.verity.kube.ApplyResult;
import dev.verity.kube.Inventory;
import dev.verity.kube.OtherTargets;
import dev.verity.kube.TargetChange;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.Optional;

/**
 * Adapter from the {@code desired} channel ({@code verity.desired.<cluster>}) to the {@link TargetReconciler},
 * and from its rollout events to the {@code rollout} channel ({@code verity.rollout}) and applied states to the
 * {@code applied} channel, both through the {@link RolloutOutbox} (in order, retried until Kafka takes them). An
 * event of a type this version does not know is skipped and counted ({@link EventIntake}); a record that cannot be
 * decoded, or an event that does not belong on this topic, fails and goes to the dead-letter topic. While leading, a
 * 1 s tick applies again what is due ({@link TargetReconciler#reconcileDue()}: {@code retryInterval},
 * {@code interval}), and {@link DriftConsumer} asks for self-heal through {@link #reapply}; every apply goes through
 * {@link ApplyRetry} (transient failures retried) and is timed by {@link ApplyMetrics}.
 *
 * <p>Traces ({@link TargetTraces}): each desired state or removal is applied in a span ({@code apply desired state},
 * {@code remove target}) that continues the event's trace when the record was new, and only links to it when it was
 * replayed from the start of the topic ({@link DesiredStateReplay#replayed}); the events published meanwhile carry
 * that span's context.
 */
@ApplicationScoped
public class DesiredStateConsumer {

    private static final Logger LOG = Logger.getLogger(DesiredStateConsumer.class);

    private final EventCodec codec = new EventCodec();
    /** Per target key, the latest of: a DesiredState, a TargetRemoved, or a TargetKey (a tombstone alone). */
    private final DesiredStateReplay<Object> replay = new DesiredStateReplay<>();
    private final DesiredIndex index = new DesiredIndex();

    /** The service's one intake ({@code dev.verity.service.ServiceIntake}). */
    @Inject
    EventIntake intake;

    @Inject
    ApplierConfig config;

    @Inject
    Applier applier;

    @Inject
    ApplyMetrics metrics;

    @Inject
    HealthWatch health;

    @Inject
    ApplyRetry retry;

    @Inject
    RolloutOutbox outbox;

    @Inject
    TargetTraces traces;

    @Inject
    EventTracing tracing;

    @Inject
    @Channel("applied")
    MutinyEmitter<Record<String, String>> applied;

    private TargetReconciler reconciler;

    /** Guards {@link #active} and {@link #standingBy}: whether work is done now or remembered for an election. */
    private final Object gate = new Object();
    private boolean active;
    /** While standing by: the latest work per target key, in arrival order, done when this replica is elected. */
    private final LinkedHashMap<String, Object> standingBy = new LinkedHashMap<>();
    /** Held while doing work, so that what was remembered before an election is done before what comes after. */
    private final ReentrantLock working = new ReentrantLock();
    private final ExecutorService catchUp = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "verity-applier-catch-up");
        t.setDaemon(true);
        return t;
    });

    @PostConstruct
    void init() {
        reconciler = new TargetReconciler(config.cluster(),
                (desired, patienceOver) -> metrics.time(config.cluster(), () -> retry.apply(desired,
                        () -> applier.apply(desired, patienceOver ? index.patienceOver() : index), this::active)),
                (removed, patienceOver) -> metrics.time(config.cluster(), () -> retry.remove(removed.describe(),
                        () -> applier.remove(TargetChange.of(removed), patienceOver ? index.patienceOver() : index),
                        this::active)),
                this::publish, this::logRetried, config.moveWait(), java.time.InstantSource.system());
        reconciler.hooks(health.attach(index::latest, this::active, this::resubmit));
    }

    /**
     * Health tracking's way back in ({@link HealthWatch}): on the catch-up thread, in order with other work, takes the
     * desired states {@code held} supplies (dependents held by {@code dependsOn} whose dependency changed) and
     * reconciles them when leading, or remembers them for an election (never over a newer one) when not.
     */
    void resubmit(java.util.function.Supplier<List<DesiredState>> held) {
        catchUp.execute(() -> {
            working.lock();
            try {
                List<DesiredState> work = held.get();
                boolean leading;
                synchronized (gate) {
                    leading = active;
                    if (!leading) work.forEach(d -> standingBy.putIfAbsent(keyOf(d), d));
                }
                if (leading && !work.isEmpty()) execute(new ArrayList<>(work));
            } catch (RuntimeException e) {
                LOG.errorf(e, "reconciling desired states held for their dependencies failed");
            } finally {
                working.unlock();
            }
        });
    }


    DesiredStateReplay<Object> replay() {
        return replay;
    }

    @Incoming("desired")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        int partition = record.partition();
        long offset = record.offset();
        if (record.value() == null) {
            TargetKey target;
            try {
                target = TargetKey.parse(record.key());
            } catch (RuntimeException e) {
                LOG.warnf("tombstone with key '%s' on %s, which is not a target key cluster/app/env; ignored",
                        record.key(), record.topic());
                doAll(replay.onOther(partition, offset));
                return;
            }
            index.onRemoved(target);
            // a tombstone has no CloudEvent: its Kafka header carries the trace of the render that removed the target
            traces.arrived(record.key(), target, TraceCause.of(EventTracing.header(record.headers()),
                    replay.replayed(partition, offset)));
            doAll(replay.onRemoved(partition, offset, record.key(), target));
            return;
        }
        Optional<Envelope> decoded;
        try {
            decoded = intake.accept(record.topic(), partition, offset, record.value());
        } catch (EventFormatException e) {
            doAll(replay.onOther(partition, offset));
            throw new EventFormatException(e.getMessage() + " (key " + record.key() + ")", e);
        }
        if (decoded.isEmpty()) {
            doAll(replay.onOther(partition, offset)); // a newer producer's event type: skipped and counted
            return;
        }
        VerityEvent event = decoded.get().event();
        TraceCause cause = TraceCause.of(decoded.get().traceparent(), replay.replayed(partition, offset));
        if (event instanceof DesiredState desired) {
            index.onDesired(desired);
            traces.arrived(desired.target().toString(), desired, cause);
            doAll(replay.onDesired(partition, offset, desired.target().toString(), desired));
        } else if (event instanceof TargetRemoved removed) {
            index.onRemoved(removed.target());
            traces.arrived(removed.target().toString(), removed, cause);
            doAll(replay.onRemoved(partition, offset, removed.target().toString(), removed));
        } else {
            doAll(replay.onOther(partition, offset));
            throw new EventFormatException("record " + record.topic() + "-" + partition + "@" + offset + " is a "
                    + event.type() + " event about " + event.describe() + ", which does not belong on a desired-state"
                    + " topic; sent to the dead-letter topic");
        }
    }

    /**
     * Applies desired states and removes targets, in order, when this replica is the cluster's active applier;
     * otherwise remembers the latest per target for its election ({@link ApplierLeadership}).
     */
    private void doAll(List<Object> work) {
        List<Object> now = new ArrayList<>();
        synchronized (gate) {
            for (Object w : work) {
                if (active) {
                    now.add(w);
                } else {
                    standingBy.remove(keyOf(w));
                    standingBy.put(keyOf(w), w);
                }
            }
        }
        if (now.isEmpty()) return;
        working.lock();
        try {
            execute(now);
        } finally {
            working.unlock();
        }
    }

    /**
     * This replica leads now: forgets what it knew as applied (another leader may have acted since) and, on its own
     * thread, does the latest work of every target it remembered while standing by, before anything newer.
     */
    void elected() {
        catchUp.execute(() -> {
            working.lock();
            try {
                List<Object> remembered;
                synchronized (gate) {
                    active = true;
                    remembered = new ArrayList<>(standingBy.values());
                    standingBy.clear();
                    reconciler.handOver();
                }
                execute(remembered);
            } catch (RuntimeException e) {
                LOG.errorf(e, "applying the remembered desired states after the election failed");
            } finally {
                working.unlock();
            }
        });
    }

    /**
     * This replica no longer leads: nothing more is applied; an apply in progress is given up to {@code patience}
     * to finish (a later write by it is fenced by the inventory). Held work is remembered for the next election.
     */
    void deposed(Duration patience) {
        synchronized (gate) {
            active = false;
        }
        boolean idle = false;
        try {
            idle = working.tryLock(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            List<Object> held = reconciler.handOver();
            synchronized (gate) {
                for (Object w : held) standingBy.putIfAbsent(keyOf(w), w);
            }
        } finally {
            if (idle) working.unlock();
        }
    }

    /** The latest desired state of the target this applier reconciled (applied or failed), if any. */
    Optional<DesiredState> latest(TargetKey target) {
        return reconciler == null ? Optional.empty() : reconciler.latest(target);
    }

    /**
     * Applies the target's latest applied desired state again, for {@code trigger} (self-heal), when this replica
     * leads; in order with the other work (the same lock).
     */
    void reapply(TargetKey target, Trigger trigger) {
        if (reconciler == null || !active()) return;
        working.lock();
        try {
            if (!active()) return;
            traces.applied(target);
            TargetReconciler.Reconciliation done = reconciler.reapply(target, trigger);
            if (done == null) {
                LOG.infof("%s: not applied again: its latest desired state is not applied (a failed one is retried on"
                        + " its retryInterval) or waits for another target", target);
            } else {
                log(done);
            }
        } catch (RolloutNotPublished e) {
            LOG.errorf("%s: %s", target, e.getMessage());
        } finally {
            working.unlock();
        }
    }

    /**
     * Applies the target's latest desired state now because someone asked ({@code ./verity sync}), when this replica
     * leads; in order with the other work (the same lock). Returns whether it was applied (false: this replica
     * stands by, or has no scheduled desired state of the target, or the target is held).
     */
    boolean sync(TargetKey target) {
        if (reconciler == null || !active()) return false;
        working.lock();
        try {
            if (!active()) return false;
            traces.applied(target);
            TargetReconciler.Reconciliation done = reconciler.sync(target);
            if (done == null) {
                LOG.infof("%s: sync requested, nothing applied: this applier has no desired state of the target to"
                        + " apply (none arrived, or its policy suspends it) or it waits for another target", target);
                return false;
            }
            log(done);
            return true;
        } catch (RolloutNotPublished e) {
            LOG.errorf("%s: %s", target, e.getMessage());
            return false;
        } finally {
            working.unlock();
        }
    }

    /** True while this replica applies; false while it stands by. */
    boolean active() {
        synchronized (gate) {
            return active;
        }
    }

    private static String keyOf(Object work) {
        return work instanceof TargetEvent t ? t.target().toString() : work.toString();
    }

    private void execute(List<Object> work) {
        if (work.size() > 1) {
            LOG.infof("converging the latest desired state or removal of %d targets", work.size());
        }
        for (Object w : work) {
            TargetKey target = w instanceof TargetEvent t ? t.target() : (TargetKey) w;
            String name = w instanceof DesiredState ? "apply desired state" : "remove target";
            TraceCause cause = traces.causeOf(target.toString(), w);
            java.util.function.Supplier<Void> one = () -> {
                executeOne(w, target);
                return null;
            };
            if (w instanceof TargetEvent event) {
                traces.inSpan(name, cause, event, one);
            } else {
                traces.inSpan(name, cause, target, one);
            }
        }
    }

    private void executeOne(Object w, TargetKey target) {
        if (!(w instanceof DesiredState)) {
            health.forget(target);
            traces.forget(target);
        }
        try {
            if (w instanceof DesiredState desired) {
                traces.applied(target);
                log(reconciler.reconcile(desired));
            } else if (w instanceof TargetRemoved removed) {
                remove(removed);
            } else {
                removeByTombstone((TargetKey) w);
            }
        } catch (RolloutNotPublished e) {
            LOG.errorf("%s: %s", w instanceof TargetEvent t ? t.describe() : w, e.getMessage());
        }
    }

    private void remove(TargetRemoved removed) {
        LOG.infof("%s: the target left Git; taking its objects out of Verity's hands as its inventory's policy says",
                removed.describe());
        log(reconciler.remove(removed));
    }

    /**
     * A tombstone without its {@code TargetRemoved} (compacted away, or never written): the removal is done with the
     * repository and commit the target's inventory was last written for. Without an inventory there is nothing to
     * take out of Verity's hands.
     */
    private void removeByTombstone(TargetKey target) {
        Inventory inventory;
        try {
            inventory = applier.inventories().read(target);
        } catch (RuntimeException e) {
            LOG.errorf("%s: tombstone on the desired-state topic, but the target's inventory cannot be read (%s);"
                    + " its objects stay in the cluster until the applier restarts", target, e.getMessage());
            reconciler.forget(target);
            return;
        }
        if (inventory.resourceVersion() == null || inventory.commit() == null) {
            reconciler.forget(target);
            tombstoneApplied(target);
            return;
        }
        String repo = inventory.repo() != null ? inventory.repo()
                : index.source(target.toString()).map(OtherTargets.Source::repo).orElse("unknown repository");
        remove(new TargetRemoved(target, repo, inventory.commit()));
    }

    /**
     * Gives up on desired states held for an object moving between targets once their wait is over (their
     * {@code ApplyFailed} is published then), and does held prunes a last time.
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void expireHeld() {
        if (reconciler == null || !active()) return;
        working.lock();
        try {
            if (active()) reconciler.expire().forEach(this::log);
        } catch (RolloutNotPublished e) {
            LOG.errorf("%s", e.getMessage());
        } finally {
            working.unlock();
        }
    }

    /**
     * Applies again the targets whose failed digest's {@code retryInterval} or applied digest's {@code interval} is
     * over; only the leader does.
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void reconcileDue() {
        if (reconciler == null || !active()) return;
        working.lock();
        try {
            if (active()) reconciler.reconcileDue().forEach(this::log);
        } catch (RolloutNotPublished e) {
            LOG.errorf("%s", e.getMessage());
        } finally {
            working.unlock();
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
        if (reconciliation instanceof TargetReconciler.Reconciliation.Unchanged u) {
            LOG.infof("%s: applied again (%s), nothing changed in the cluster", u.desired().describe(),
                    u.trigger() == Trigger.DRIFT ? "self-heal after drift" : "periodic reconcile, every "
                            + u.desired().policy().interval());
            return;
        }
        if (reconciliation instanceof TargetReconciler.Reconciliation.Removed r) {
            ApplyResult result = r.result();
            if (r.held()) {
                LOG.infof("%s: removal waits for target %s, which may take over some of its objects",
                        r.removal().describe(), result.waitingFor());
            } else if (!result.succeeded()) {
                LOG.warnf("%s", result.error());
            } else {
                LOG.infof("%s: removed from Verity's hands (%s)", r.removal().describe(),
                        result.removed().isEmpty() ? "it had no inventory" : result.summary());
            }
            if (!r.held() && result.succeeded()) tombstoneApplied(r.removal().target());
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

    /**
     * Queues an event for Kafka ({@link RolloutOutbox}: sent in order, retried until acknowledged):
     * {@code AppliedState} to {@code verity.applied.<cluster>}, every other event to the rollout topic.
     */
    private void publish(TargetEvent event) {
        if (event instanceof AppliedState state) {
            traces.publishing(state, () -> {
                EventTracing.Outgoing record = tracing.encode(codec, state);
                sendApplied(state.target(), record.value(), record.headers(), "what was applied for " + state.describe());
            });
            return;
        }
        outbox.rollout(event);
    }

    /** The tombstone of a removed target's applied state on {@code verity.applied.<cluster>}. */
    private void tombstoneApplied(TargetKey target) {
        sendApplied(target, null, EventTracing.headers(tracing.traceparent()),
                "the tombstone of " + target + "'s applied state");
    }

    private void sendApplied(TargetKey target, String value, org.apache.kafka.common.header.Headers headers,
            String what) {
        String topic = Topics.applied(config.cluster());
        if (value != null && bytes(value) > Topics.DESIRED_MAX_MESSAGE_BYTES) {
            LOG.errorf("%s: %s is larger than %d bytes and is not published on %s; the drift monitor compares this"
                    + " target with its desired state instead", target, what, Topics.DESIRED_MAX_MESSAGE_BYTES, topic);
            return;
        }
        outbox.send(new RolloutOutbox.Pending(what + " (on " + topic + ")", value == null ? 0 : bytes(value), () -> {
            Message<Record<String, String>> message = Message.of(Record.of(target.toString(), value))
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(target.toString())
                            .withHeaders(headers).build());
            applied.sendMessage(message).await().atMost(config.publishTimeout());
        }));
    }

    private static int bytes(String value) {
        return value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** An event could not even be queued for Kafka (the applier stops, or was interrupted at the outbox's bound). */
    static final class RolloutNotPublished extends RuntimeException {
        RolloutNotPublished(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
