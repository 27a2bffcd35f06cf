package dev.verity.drift;

import dev.verity.drift.core.CatchUp;
import dev.verity.drift.core.DriftTracker;
import dev.verity.drift.core.LiveReads;
import dev.verity.drift.core.Observation;
import dev.verity.drift.core.Reaction;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.trace.SpanAttributes;
import dev.verity.events.trace.TraceCause;
import dev.verity.service.EventTracing;
import dev.verity.kube.diff.DriftComparator;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import dev.verity.kube.AllowedWriters;
import dev.verity.kube.schema.ApiSchema;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Runs the drift monitor: feeds inputs to the {@link DriftTracker}, keeps one informer per resource type its targets
 * use ({@link ClusterReader}), compares an object when its informer reports a change (and every cached object every
 * resync interval, from the caches, without requests), and publishes the events the tracker decides. Everything
 * touching the tracker runs on one thread, so a read and the state it is compared with never interleave with a
 * change of desired state.
 *
 * <p>Active/standby ({@link DriftLeadership}): every replica reads its inputs and keeps its tracker up to date, but
 * only the leader compares and publishes. A standby's tracker is not ready, so it takes in the drift events the
 * leader publishes ({@link DriftTracker#remember}); when elected it first reads the drift topic up to where it ended
 * at the election, then starts comparing from that, as after a restart: open drift is kept and nothing already
 * reported is reported again. A deposed leader stops publishing at once (events it decides then are dropped and
 * marked unpublished) and stands by again. Informers a deposed leader started keep running; it ignores them.
 *
 * <p>Traces: an input's work runs in the span {@link DriftInputs} started for it, carried to the monitor's thread,
 * so drift it decides then continues (or, for a replayed record, links to) the trace of the commit that caused it.
 * Drift found later from a change in the cluster gets a span of its own ({@code detect drift}) linked to the trace
 * of the target's latest input.
 */
@Startup
@ApplicationScoped
public class DriftService {

    private static final Logger LOG = Logger.getLogger(DriftService.class);

    @Inject
    DriftConfig config;

    @Inject
    DriftMetrics metrics;

    @Inject
    ClusterReader cluster;

    @Inject
    DriftLeadership leadership;

    @Inject
    @Channel("drift")
    Emitter<String> drift;

    /** Whose fields are never drift (the applier leaves them alone too): {@code verity.allowed-writers}. */
    @ConfigProperty(name = "verity.allowed-writers", defaultValue = AllowedWriters.DEFAULT_CONFIG)
    String allowedWriters;

    @ConfigProperty(name = "mp.messaging.incoming.desired.topic")
    String desiredTopic;

    @ConfigProperty(name = "mp.messaging.incoming.applied.topic")
    String appliedTopic;

    @ConfigProperty(name = "mp.messaging.incoming.rollout.topic")
    String rolloutTopic;

    @ConfigProperty(name = "mp.messaging.incoming.history.topic")
    String historyTopic;

    @Inject
    EventTracing tracing;

    private final EventCodec codec = new EventCodec();
    /** Per target, the traceparent of the span that last took in one of its inputs: drift found later links to it. */
    private final Map<TargetKey, String> lastTrace = new ConcurrentHashMap<>();
    private final Set<ObjectRef> pendingChecks = ConcurrentHashMap.newKeySet();
    /** versions read from the server that the informers' caches have not caught up with (monitor thread only) */
    private final LiveReads liveReads = new LiveReads();
    private DriftTracker tracker;
    private CatchUp catchUp;
    private ScheduledExecutorService loop;
    /** Where the drift topic ended (per partition) when this monitor was last elected; null while standing by. */
    private volatile Map<Integer, Long> historyAtElection;

    @PostConstruct
    void start() {
        tracker = new DriftTracker(config.cluster(), new DriftComparator(ApiSchema.kubernetes(),
                AllowedWriters.parse(allowedWriters), maskPattern()), Clock.systemUTC(), config.appliedStateWait(),
                config.ownApplyGrace());
        metrics.watch(tracker);
        catchUp = new CatchUp(Set.of(desiredTopic, appliedTopic, rolloutTopic, historyTopic));
        loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "drift-monitor"));
        long every = Math.max(1, config.resync().toMillis());
        loop.scheduleWithFixedDelay(this::resync, every, every, TimeUnit.MILLISECONDS);
        LOG.infof("drift monitor for cluster %s: rebuilding its state from %s, %s, %s and %s before comparing",
                config.cluster(), desiredTopic, appliedTopic, rolloutTopic, historyTopic);
    }

    private Pattern maskPattern() {
        try {
            return Pattern.compile(config.maskPattern());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("verity.drift.mask-pattern is not a Java regular expression: "
                    + e.getDescription() + "; the default is " + DriftComparator.DEFAULT_MASK, e);
        }
    }

    @PreDestroy
    void stop() {
        if (loop == null) return;
        loop.shutdownNow();
    }

    /** Runs an input on the monitor's thread and waits for it, so the Kafka record is acknowledged after it. */
    void handle(Supplier<Reaction> input) {
        // the caller's span goes along, so what the input makes the monitor publish carries its trace
        CompletableFuture<Void> done = CompletableFuture.runAsync(tracing.current().wrap(() -> react(input.get())), loop);
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handling an input", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    DriftTracker tracker() {
        return tracker;
    }

    CatchUp catchUp() {
        return catchUp;
    }

    int informerCount() {
        return cluster.informerCount();
    }

    /**
     * Called once the input topics were read to where they ended at start, and after each drift record read while
     * taking over: comparisons begin when this monitor also leads and has read the drift reported before its election.
     */
    void caughtUp() {
        loop.execute(this::startComparing);
    }

    /** Whether this monitor leads but has not read the drift topic up to where it ended at its election yet. */
    boolean takingOver() {
        return historyAtElection != null && !tracker.isReady();
    }

    /** Leadership: this process was elected; it looks up where the drift topic ends, then compares once read to it. */
    void elected() {
        loop.execute(() -> {
            try {
                historyAtElection = historyEnd();
            } catch (RuntimeException e) {
                LOG.errorf(e, "drift monitor for cluster %s: cannot find where %s ends; not comparing, standing down"
                        + " is up to the leadership", config.cluster(), historyTopic);
                return;
            }
            LOG.infof("drift monitor for cluster %s: elected; comparing once %s is read up to %s", config.cluster(),
                    historyTopic, historyAtElection);
            startComparing();
        });
    }

    /** Leadership: this process no longer leads; it stops comparing and takes in the new leader's events. */
    void deposed() {
        historyAtElection = null;
        if (loop.isShutdown()) return; // the application is stopping
        loop.execute(() -> {
            tracker.standby();
            LOG.infof("drift monitor for cluster %s stands by: %s", config.cluster(), tracker.status());
        });
    }

    private void startComparing() {
        Map<Integer, Long> history = historyAtElection;
        if (tracker.isReady() || history == null || !catchUp.caughtUp() || !leadership.isLeader()) return;
        if (!catchUp.readTo(historyTopic, history)) return;
        LOG.infof("drift monitor for cluster %s rebuilt its state and leads: %s", config.cluster(), tracker.status());
        react(tracker.ready());
    }

    private Map<Integer, Long> historyEnd() {
        Map<String, Object> props = new HashMap<>();
        leadership.kafka().forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) props.put(k, v);
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "verity-drift-monitor-" + config.cluster() + "-history-end");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(historyTopic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<Integer, Long> ends = new TreeMap<>();
            c.endOffsets(partitions, Duration.ofSeconds(10)).forEach((tp, end) -> ends.put(tp.partition(), end));
            return ends;
        }
    }

    private void react(Reaction reaction) {
        reaction.events().forEach(this::publish);
        if (!tracker.isReady()) return;
        inform();
        // read from the server, not the informers' caches: the state that names them may have come through Kafka
        // before the watch event of the apply reached the cache
        reaction.check().forEach(this::checkLive);
        long wait = tracker.appliedStateWait().toMillis();
        if (!reaction.check().isEmpty() && wait > 0) {
            // objects skipped while their AppliedState may still arrive are compared once the wait is over
            loop.schedule(tracing.current().wrap(() -> reaction.check().forEach(this::check)), wait + 100,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Objects a resync compares per turn of the monitor's thread. A resync of 10,000 objects takes seconds (each
     * object serialised and compared); done in one turn it held every change the informers reported meanwhile, and
     * the drift benchmark saw detection take 4 s instead of 20 ms. Between batches the changes waiting are compared.
     */
    static final int RESYNC_BATCH = 200;
    /** whether a resync's batches are still being compared (only touched on the monitor's thread) */
    private boolean resyncing;

    private void resync() {
        try {
            if (!tracker.isReady()) {
                if (catchUp.caughtUp() && historyAtElection == null) {
                    LOG.debugf("drift monitor for cluster %s stands by (another replica leads)", config.cluster());
                } else {
                    LOG.infof("drift monitor for cluster %s not comparing yet: %s", config.cluster(), catchUp.describe());
                }
                return;
            }
            if (resyncing) return; // the previous one is still comparing its batches
            inform();
            resyncing = true;
            resyncFrom(cluster.cachedRefs(), 0, new HashSet<>());
        } catch (RuntimeException e) {
            resyncing = false;
            LOG.errorf(e, "drift resync for cluster %s failed; retrying in %s", config.cluster(), config.resync());
        }
    }

    /** Compares one batch of a resync from the caches, then queues the next behind the changes waiting meanwhile. */
    private void resyncFrom(List<ObjectRef> cached, int from, Set<ObjectRef> seen) {
        try {
            int to = Math.min(cached.size(), from + RESYNC_BATCH);
            for (ObjectRef ref : cached.subList(from, to)) {
                ClusterReader.Cached read = cluster.read(ref);
                if (read == null) continue;
                seen.add(ref);
                if (liveReads.stale(ref, read.observation())) continue; // its newer version's event follows
                tracker.observe(ref, read.observation(), read.targetAnnotation()).forEach(this::publish);
                recheckHeld();
            }
            if (to < cached.size()) {
                loop.execute(() -> resyncFrom(cached, to, seen));
                return;
            }
            resyncing = false;
            // compared or unexpected objects no cache holds: gone, unlabelled, or of a type not informed on
            Set<ObjectRef> rest = new HashSet<>(tracker.watched());
            rest.addAll(tracker.unexpected());
            rest.removeAll(seen);
            rest.forEach(this::check);
            // left in an inventory, not desired, and not labelled (no informer holds it): read from the server
            Set<ObjectRef> inventoried = new HashSet<>(tracker.inventoried());
            inventoried.removeAll(seen);
            inventoried.removeAll(rest);
            inventoried.forEach(this::checkLive);
        } catch (RuntimeException e) {
            resyncing = false;
            LOG.errorf(e, "drift resync for cluster %s failed; retrying in %s", config.cluster(), config.resync());
        }
    }

    private void scheduleCheck(ObjectRef ref) {
        if (pendingChecks.add(ref)) {
            loop.execute(() -> {
                pendingChecks.remove(ref);
                check(ref);
            });
        }
    }

    private void check(ObjectRef ref) {
        ClusterReader.Cached cached = cluster.read(ref);
        if (cached != null && liveReads.stale(ref, cached.observation())) return; // its newer version's event follows
        observe(ref, cached);
    }

    private void checkLive(ObjectRef ref) {
        ClusterReader.Cached live = cluster.readLive(ref);
        liveReads.read(ref, live.observation());
        observe(ref, live);
    }

    private void observe(ObjectRef ref, ClusterReader.Cached cached) {
        if (cached == null) return; // its informer has not listed yet: the list reports it
        if (cached.observation() instanceof Observation.Absent) {
            // a prune of a commit not read yet? The applier recorded that commit's inventory before it pruned, but
            // its watch event may come after the deletion's: read it now (deletions are rare)
            for (TargetKey target : tracker.notReportedGone(ref)) {
                ClusterReader.InventoryRecord inventory = cluster.readInventory(target);
                if (inventory != null) tracker.inventory(inventory.target(), inventory.commit(), inventory.objects());
            }
        }
        if (cached.observation() instanceof Observation.Unreadable u) {
            LOG.warnf("cannot read %s from cluster %s (retrying at the next resync in %s): %s", ref, config.cluster(),
                    config.resync(), u.reason());
        }
        tracker.observe(ref, cached.observation(), cached.targetAnnotation()).forEach(this::publish);
        recheckHeld();
    }

    /**
     * Objects whose difference the tracker holds as Verity's own recent apply are read again when the hold ends
     * ({@code verity.drift.own-apply-grace}), so that a difference still there is reported then, not only at the next
     * resync.
     */
    private void recheckHeld() {
        tracker.holdsToRecheck().forEach((ref, until) -> {
            long delay = Math.max(0, until.toEpochMilli() - System.currentTimeMillis()) + 200;
            loop.schedule(() -> check(ref), delay, TimeUnit.MILLISECONDS);
        });
    }

    /** An applier's inventory was listed, written or deleted: objects it has and its target does not are read. */
    private void inventory(ClusterReader.InventoryRecord record) {
        loop.execute(() -> {
            Set<ObjectRef> extra = tracker.inventory(record.target(), record.commit(), record.objects());
            if (tracker.isReady()) extra.forEach(this::checkLive);
        });
    }

    /** One informer per resource type the compared targets use, and one on the appliers' inventories. */
    private void inform() {
        cluster.informInventories(config.inventoryNamespace(), this::inventory);
        Set<ClusterReader.ResourceType> types = new HashSet<>();
        tracker.watched().forEach(ref -> types.add(ClusterReader.ResourceType.of(ref)));
        cluster.inform(types, this::scheduleCheck, synced -> loop.execute(() -> tracker.watched().stream()
                .filter(ref -> ClusterReader.ResourceType.of(ref).equals(synced)).forEach(this::check)));
    }

    /** The current span took in an input about {@code target}: drift found later without a cause links to it. */
    void traced(TargetKey target) {
        String traceparent = tracing.traceparent();
        if (traceparent != null) lastTrace.put(target, traceparent);
    }

    private void publish(TargetEvent event) {
        if (!tracing.enabled() || tracing.traceparent() != null) {
            publishNow(event);
            return;
        }
        tracing.inSpan("detect drift", TraceCause.later(lastTrace.get(event.target())), SpanAttributes.of(event),
                () -> publishNow(event));
    }

    private void publishNow(TargetEvent event) {
        EventTracing.Outgoing record = tracing.encode(codec, event);
        String json = record.value();
        ObjectRef object = objectOf(event);
        if (!leadership.isLeader()) {
            LOG.infof("%s: not publishing %s about %s: this monitor no longer leads", event.describe(), event.type(),
                    object);
            loop.execute(() -> tracker.unpublished(event.target(), object));
            return;
        }
        if (event instanceof DriftDetected d) {
            LOG.infof("%s: %s drifted (%s%s)", d.describe(), object, d.kind(),
                    d.fields().isEmpty() ? "" : ": " + String.join(", ", d.fields()));
        } else if (event instanceof DriftUpdated u) {
            LOG.infof("%s: %s drifted fields are now %s", u.describe(), object, String.join(", ", u.fields()));
        } else if (event instanceof DriftUnknown u) {
            LOG.warnf("%s: %s cannot be compared: %s", u.describe(), object == null ? "the target" : object, u.reason());
        } else {
            LOG.infof("%s: %s matches its desired state again", event.describe(), object);
        }
        Message<String> message = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key())
                        .withHeaders(record.headers()).build())
                .withAck(() -> {
                    metrics.published(event);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    LOG.errorf("%s: could not publish the drift event about %s (%s); it is published again at the"
                            + " next check of the object", event.describe(), object, failure.getMessage());
                    loop.execute(() -> tracker.unpublished(event.target(), object));
                    return CompletableFuture.completedFuture(null);
                });
        drift.send(message);
    }

    private static ObjectRef objectOf(TargetEvent event) {
        if (event instanceof DriftDetected d) return d.object();
        if (event instanceof DriftResolved r) return r.object();
        if (event instanceof DriftUpdated u) return u.object();
        if (event instanceof DriftUnknown u) return u.object();
        throw new IllegalArgumentException("the drift monitor publishes drift events only, not " + event.type());
    }
}
