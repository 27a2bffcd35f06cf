package dev.verity.drift;

import dev.verity.drift.core.CatchUp;
import dev.verity.drift.core.DriftTracker;
import dev.verity.drift.core.Observation;
import dev.verity.drift.core.Reaction;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetEvent;
import dev.verity.kube.diff.DriftComparator;
import io.fabric8.kubernetes.client.Watch;
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

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
 * Runs the drift monitor: feeds inputs to the {@link DriftTracker}, keeps one watch per compared object, reads
 * objects when they change (and all of them every resync interval), and publishes the events the tracker decides.
 * Everything touching the tracker or the cluster runs on one thread, so a read and the state it is compared with
 * never interleave with a change of desired state.
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

    private final EventCodec codec = new EventCodec();
    private final Map<ObjectRef, Watch> watches = new HashMap<>();
    private final Set<ObjectRef> pendingChecks = ConcurrentHashMap.newKeySet();
    private DriftTracker tracker;
    private CatchUp catchUp;
    private ScheduledExecutorService loop;

    @PostConstruct
    void start() {
        tracker = new DriftTracker(config.cluster(), new DriftComparator(ApiSchema.kubernetes(),
                AllowedWriters.parse(allowedWriters), maskPattern()));
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
        watches.values().forEach(Watch::close);
    }

    /** Runs an input on the monitor's thread and waits for it, so the Kafka record is acknowledged after it. */
    void handle(Supplier<Reaction> input) {
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> react(input.get()), loop);
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

    int watchCount() {
        return watches.size();
    }

    /** Called once the input topics were read to where they ended at start: comparisons begin. */
    void caughtUp() {
        loop.execute(() -> {
            LOG.infof("drift monitor for cluster %s rebuilt its state: %s", config.cluster(), tracker.status());
            react(tracker.ready());
        });
    }

    private void react(Reaction reaction) {
        reaction.events().forEach(this::publish);
        if (!tracker.isReady()) return;
        reconcileWatches();
        reaction.check().forEach(this::check);
    }

    private void resync() {
        try {
            if (!tracker.isReady()) {
                LOG.infof("drift monitor for cluster %s not comparing yet: %s", config.cluster(), catchUp.describe());
                return;
            }
            reconcileWatches();
            tracker.watched().forEach(this::check);
        } catch (RuntimeException e) {
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
        Observation observation;
        try {
            observation = cluster.read(ref);
        } catch (RuntimeException e) {
            LOG.warnf("cannot read %s from cluster %s (retrying at the next resync in %s): %s", ref, config.cluster(),
                    config.resync(), e.getMessage());
            observation = Observation.unreadable(ClusterReader.reason(e));
        }
        tracker.observe(ref, observation).forEach(this::publish);
    }

    private void reconcileWatches() {
        Set<ObjectRef> wanted = tracker.watched();
        for (ObjectRef ref : new HashSet<>(watches.keySet())) {
            if (!wanted.contains(ref)) watches.remove(ref).close();
        }
        for (ObjectRef ref : wanted) {
            if (watches.containsKey(ref)) continue;
            try {
                watches.put(ref, cluster.watch(ref, () -> scheduleCheck(ref), () -> loop.execute(() -> {
                    watches.remove(ref);
                    scheduleCheck(ref);
                })));
            } catch (RuntimeException e) {
                LOG.warnf("cannot watch %s in cluster %s; relying on the resync every %s: %s", ref, config.cluster(),
                        config.resync(), e.getMessage());
            }
        }
    }

    private void publish(TargetEvent event) {
        String json = codec.encode(event);
        ObjectRef object = objectOf(event);
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
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build())
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
