package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.DesiredState;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.kube.ApplyResult;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Converges one target at a time: guard clauses first (another cluster's target? suspended? this digest already
 * applied?), then the apply, then the rollout event ({@code Applied} or {@code ApplyFailed}). The digest of the
 * last successful apply per target is kept in memory, so a redelivered desired state writes nothing and publishes
 * nothing; a failed digest is tried again when it comes again.
 */
final class TargetReconciler {

    /** What became of one desired state. */
    sealed interface Reconciliation {
        /** Nothing was applied or published, for {@code reason}. */
        record Skipped(DesiredState desired, String reason) implements Reconciliation {
        }

        /** The desired state was applied (successfully or not) and {@code event} was published. */
        record Reconciled(ApplyResult result, TargetEvent event) implements Reconciliation {
        }
    }

    private final String cluster;
    private final Function<DesiredState, ApplyResult> applier;
    private final Consumer<TargetEvent> publisher;
    private final Map<TargetKey, String> appliedDigests = new ConcurrentHashMap<>();

    /**
     * @param applier   applies a desired state to the cluster
     * @param publisher publishes a rollout event and returns once Kafka acknowledged it, or throws
     */
    TargetReconciler(String cluster, Function<DesiredState, ApplyResult> applier, Consumer<TargetEvent> publisher) {
        this.cluster = cluster;
        this.applier = applier;
        this.publisher = publisher;
    }

    Reconciliation reconcile(DesiredState desired) {
        if (!desired.target().cluster().equals(cluster)) {
            return new Reconciliation.Skipped(desired, "it is for cluster " + desired.target().cluster()
                    + " but this applier converges cluster " + cluster + " (check the renderer's environment-to-cluster"
                    + " mapping)");
        }
        if (desired.policy().suspend()) {
            return new Reconciliation.Skipped(desired, "the target is suspended (policy suspend: true)");
        }
        if (desired.digest().equals(appliedDigests.get(desired.target()))) {
            return new Reconciliation.Skipped(desired, "digest " + desired.digest() + " is already applied");
        }
        ApplyResult result = applier.apply(desired);
        TargetEvent event = result.succeeded()
                ? new Applied(desired.target(), desired.repo(), desired.commit(), desired.digest(), result.objectRefs())
                : new ApplyFailed(desired.target(), desired.repo(), desired.commit(), desired.digest(),
                        result.failedObject(), result.error());
        publisher.accept(event);
        if (result.succeeded()) appliedDigests.put(desired.target(), desired.digest());
        else appliedDigests.remove(desired.target());
        return new Reconciliation.Reconciled(result, event);
    }

    /** The target left Git: forget what was applied, so that if it comes back it is applied again. */
    void forget(TargetKey target) {
        appliedDigests.remove(target);
    }
}
