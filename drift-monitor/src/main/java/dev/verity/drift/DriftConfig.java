package dev.verity.drift;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the drift monitor ({@code verity.drift.*}). Topic names live in application.properties. */
@ConfigMapping(prefix = "verity.drift")
public interface DriftConfig {

    /**
     * The cluster this monitor watches; it reads {@code verity.desired.<cluster>} and only that cluster's targets.
     * Required: set {@code verity.drift.cluster} (env {@code VERITY_DRIFT_CLUSTER}).
     */
    String cluster();

    /**
     * A kubeconfig file to reach the cluster with; when absent, the Quarkus Kubernetes client configuration
     * ({@code quarkus.kubernetes-client.*}, in-cluster service account, or ~/.kube/config) is used.
     */
    Optional<Path> kubeconfig();

    /**
     * How often every object in the informers' caches is compared again (from the caches, without API requests),
     * besides the comparisons their change events start; objects missing from the caches are read once each.
     */
    @WithDefault("30s")
    Duration resync();

    /**
     * Env items and ConfigMap keys whose name this pattern finds a match in have their values masked in drift
     * events (all Secret data always is). {@code verity.drift.mask-pattern}.
     */
    @WithDefault("(?i)(password|token|secret|apikey)")
    String maskPattern();

    /**
     * How long after the applier reported a digest applied an object is not compared while the target's
     * {@code AppliedState} of that digest has not arrived (it travels on {@code verity.applied.<cluster>}, apart from
     * {@code Applied}); after that, the desired document is compared with the live object, as for an older applier
     * that publishes none. {@code verity.drift.applied-state-wait}.
     */
    @WithDefault("10s")
    Duration appliedStateWait();

    /**
     * How long after Verity's own server-side apply wrote an object (field manager {@code verity}, operation
     * {@code Apply}, and no one else since, as its {@code managedFields} say) a difference from the desired state this
     * monitor compares is not reported: the applier may have applied a newer commit whose desired state and
     * {@code Applied} the monitor has not read yet (after a takeover, a restart, a rebalance, a slow consumer), and it
     * is no drift. Once the grace is over the object is read again and a difference still there is reported; a
     * change by anyone else is reported at once. An object gone while the applier's inventory of its target is of
     * another commit than the one compared (a prune of that commit) is held as long from when that inventory was
     * first seen. Longer than the lag expected between the applier and the monitor;
     * {@code 0s} reports at once. {@code verity.drift.own-apply-grace}.
     */
    @WithDefault("10s")
    Duration ownApplyGrace();

    /**
     * Active/standby between the drift monitors of one cluster ({@code verity.drift.leader-session-timeout}): a
     * standby takes over within this time after the leader dies; a leader that cannot reach the group coordinator
     * steps down before it (see {@code dev.verity.events.leader.Leadership}).
     */
    @WithDefault("10s")
    Duration leaderSessionTimeout();

    /**
     * Where the appliers of this cluster keep their inventories ({@code verity.applier.inventory-namespace}; the
     * same value): an object in a target's inventory but not in its desired state is {@code UNEXPECTED} even without
     * Verity's label and annotation. {@code verity.drift.inventory-namespace}.
     */
    @WithDefault("verity-system")
    String inventoryNamespace();
}
