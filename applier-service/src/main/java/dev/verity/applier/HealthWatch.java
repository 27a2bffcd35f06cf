package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.Degraded;
import dev.verity.events.DesiredState;
import dev.verity.events.Healthy;
import dev.verity.events.ObjectRef;
import dev.verity.events.Progressing;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.kube.ResourceType;
import dev.verity.kube.ResourceTypes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Adapter of health tracking and {@code dependsOn} for the {@link DesiredStateConsumer}: the reconciler's
 * {@link TargetReconciler.Hooks}. After each {@code Applied} it starts following the target ({@link HealthTracker});
 * every {@code verity.applier.health-poll-interval} (2 s), on a thread of its own so that the single apply thread is
 * never blocked, it GETs the objects that are not ready yet and publishes {@code Progressing}, {@code Healthy} or
 * {@code Degraded} on {@code verity.rollout}, recording {@code verity_health_seconds}. Before each apply it asks
 * {@link DependsOn} whether to hold the desired state (publishing {@code Waiting}); when a dependency's health
 * changes, its held dependents are reconciled again, in order with the other work. Only the leader tracks: when this
 * replica stops leading, it stops following targets (forgetting the health of those in progress) and hands held
 * desired states back for a later election.
 *
 * <p>Health found later is reported in a span ({@code check health}) that continues the trace of the apply
 * ({@link TargetTraces#afterApply}).
 *
 * <p>A health event that Kafka does not take is logged and not sent again (the next apply of the target reports
 * again).
 */
@ApplicationScoped
public class HealthWatch implements TargetReconciler.Hooks {

    private static final Logger LOG = Logger.getLogger(HealthWatch.class);


    @Inject
    ApplierConfig config;

    @Inject
    KubernetesClient client;

    @Inject
    HealthMetrics metrics;

    /** Per target, when its latest applied commit was made, and whether its first Healthy was measured from it. */
    private final Map<TargetKey, CommitTime> commitTimes = new java.util.concurrent.ConcurrentHashMap<>();

    private record CommitTime(String commit, java.time.Instant at, boolean measured) {
    }

    @Inject
    RolloutOutbox outbox;

    @Inject
    TargetTraces traces;

    private final HealthTracker tracker = new HealthTracker(InstantSource.system());
    private volatile DependsOn dependsOn = new DependsOn(t -> Optional.empty(), tracker::health);
    private volatile BooleanSupplier leading = () -> false;
    private volatile Consumer<Supplier<List<DesiredState>>> resubmit = s -> { };
    private boolean wasLeading;
    private ScheduledExecutorService poller;

    /**
     * Connects this watch to its consumer; returns the hooks to give the reconciler.
     *
     * @param latestDesired the commit and digest of each target's latest desired state
     * @param leading      whether this replica applies now
     * @param resubmit     reconciles (or, when not leading, remembers) the desired states the supplier returns, on the
     *                     consumer's own ordering, later
     */
    TargetReconciler.Hooks attach(Function<TargetKey, Optional<DesiredIndex.Latest>> latestDesired,
            BooleanSupplier leading, Consumer<Supplier<List<DesiredState>>> resubmit) {
        this.dependsOn = new DependsOn(latestDesired, tracker::health);
        this.leading = leading;
        this.resubmit = resubmit;
        return this;
    }

    void start(@Observes StartupEvent start) {
        Duration every = config.healthPollInterval();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "verity-applier-health");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::poll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stop) {
        if (poller != null) poller.shutdownNow();
    }

    @Override
    public Optional<String> hold(DesiredState desired) {
        Optional<DependsOn.Hold> hold = dependsOn.check(desired); // also when dependsOn is empty: no longer held
        hold.flatMap(DependsOn.Hold::event).ifPresent(this::publish);
        return hold.map(DependsOn.Hold::reason);
    }

    @Override
    public void reported(DesiredState desired, TargetEvent event) {
        try {
            if (event instanceof Applied applied && desired.committedAt() != null) {
                commitTimes.compute(applied.target(), (k, known) -> known != null && known.commit().equals(applied.commit())
                        ? known : new CommitTime(applied.commit(), desired.committedAt(), false));
            }
            if (event instanceof Applied applied) {
                tracker.applied(applied, desired.policy().healthTimeout()).forEach(this::report);
            } else if (event instanceof ApplyFailed failed) {
                tracker.applyFailed(failed);
                releaseDependentsOf(failed.target());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: health tracking could not start", event.describe());
        }
    }

    /** The target left Git: not followed any more, not held. */
    void forget(TargetKey target) {
        tracker.forget(target);
        dependsOn.forget(target);
        commitTimes.remove(target);
    }

    /** The targets followed now (for tests and diagnostics). */
    List<TargetKey> tracked() {
        return tracker.tracked();
    }

    /** One round: reads what is not ready yet and reports what changed; stops tracking when this replica stops leading. */
    void poll() {
        try {
            boolean lead = leading.getAsBoolean();
            if (!lead) {
                if (wasLeading) {
                    LOG.infof("no longer the active applier: health tracking stops, held dependents are handed over");
                    tracker.stopTracking();
                    resubmit.accept(dependsOn::drain);
                }
                wasLeading = false;
                return;
            }
            wasLeading = true;
            // each verdict in a span continuing the apply's trace: one trace shows a commit up to its health
            tracker.check(this::read).forEach(t -> traces.inSpan("check health", traces.afterApply(t.event().target()),
                    t.event().target(), () -> {
                        report(t);
                        return null;
                    }));
        } catch (RuntimeException e) {
            LOG.errorf(e, "checking the health of applied objects failed; tried again in %s", config.healthPollInterval());
        }
    }

    private void report(HealthTracker.Transition transition) {
        TargetEvent event = transition.event();
        if (event instanceof Healthy) {
            LOG.infof("%s: Healthy (%s after the apply)", event.describe(), HealthTracker.human(transition.sinceApplied()));
        } else if (event instanceof Degraded d) {
            LOG.warnf("%s", d.error());
        } else if (event instanceof Progressing p) {
            LOG.infof("%s: Progressing: %s", event.describe(), p.notReady());
        }
        boolean verdict = event instanceof Healthy || event instanceof Degraded;
        if (verdict) metrics.record(config.cluster(), event instanceof Healthy, transition.sinceApplied());
        if (event instanceof Healthy h) {
            CommitTime committed = commitTimes.get(h.target());
            if (committed != null && !committed.measured() && committed.commit().equals(h.commit())) {
                metrics.commitToHealthy(config.cluster(), Duration.between(committed.at(), java.time.Instant.now()));
                commitTimes.put(h.target(), new CommitTime(committed.commit(), committed.at(), true));
            }
        }
        publish(event);
        if (verdict) releaseDependentsOf(event.targetKey().orElseThrow());
    }

    private void releaseDependentsOf(TargetKey target) {
        resubmit.accept(() -> dependsOn.dependentsOf(target));
    }

    private void publish(TargetEvent event) {
        try {
            outbox.rollout(event);
        } catch (DesiredStateConsumer.RolloutNotPublished e) {
            LOG.errorf("%s: %s", event.describe(), e.getMessage());
        }
    }

    /** GETs one object as maps and lists; null when it is gone. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> read(ObjectRef object) {
        Optional<ResourceType> type = ResourceTypes.builtIn(object.apiVersion(), object.kind());
        MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> op =
                type.isPresent()
                        ? client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                                .withGroup(type.get().group()).withVersion(type.get().version())
                                .withKind(type.get().kind()).withPlural(type.get().plural())
                                .withNamespaced(type.get().namespaced()).build())
                        : client.genericKubernetesResources(object.apiVersion(), object.kind());
        GenericKubernetesResource live = object.namespace() == null ? op.withName(object.name()).get()
                : op.inNamespace(object.namespace()).withName(object.name()).get();
        return live == null ? null : client.getKubernetesSerialization().convertValue(live, Map.class);
    }
}
