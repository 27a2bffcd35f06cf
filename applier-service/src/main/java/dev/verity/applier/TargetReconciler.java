package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.DesiredState;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.kube.ApplyResult;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Converges one target at a time: guard clauses first (another cluster's target? suspended? this digest already
 * applied?), then the apply, then the rollout event ({@code Applied} or {@code ApplyFailed}). The digest of the
 * last successful apply per target is kept in memory, so a redelivered desired state writes nothing and publishes
 * nothing; a failed digest is tried again when it comes again.
 *
 * <p>An object moving between targets in one commit may reach its new target before its old target's desired state
 * for that commit has arrived: the apply then says it waits for the old target ({@link ApplyResult#waitingFor()}).
 * Such a desired state is held, publishing nothing, and applied again right after the target it waits for has
 * been reconciled; if that does not happen within the move wait, {@link #expire()} publishes its
 * {@code ApplyFailed}. Likewise an apply whose prune left an object that may be moving to a target of the same
 * commit (its {@code Applied} is published at once) is applied again once that target has been reconciled, or
 * with the wait over, when whatever nobody took over is pruned. A newer desired state of a held target replaces it.
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

    /**
     * A desired state held until a newer desired state of {@code owner} arrives, or {@code deadline}: not applied
     * yet ({@code pruneOnly} false), or applied with its prune waiting ({@code pruneOnly} true).
     */
    private record Held(DesiredState desired, TargetKey owner, ApplyResult result, Instant deadline, boolean pruneOnly) {
    }

    /** Applies a desired state; {@code patienceOver} once a held desired state's wait is over. */
    @FunctionalInterface
    interface Apply {
        ApplyResult apply(DesiredState desired, boolean patienceOver);
    }

    /** How long a desired state waits for the target an object moves away from, unless configured. */
    static final Duration DEFAULT_MOVE_WAIT = Duration.ofSeconds(60);

    private final String cluster;
    private final Apply applier;
    private final Consumer<TargetEvent> publisher;
    private final Consumer<Reconciliation> retried;
    private final Duration moveWait;
    private final InstantSource clock;
    private final Map<TargetKey, String> appliedDigests = new ConcurrentHashMap<>();
    private final Map<TargetKey, Held> held = new LinkedHashMap<>();

    /**
     * @param applier   applies a desired state to the cluster
     * @param publisher publishes a rollout event and returns once Kafka acknowledged it, or throws
     */
    TargetReconciler(String cluster, Function<DesiredState, ApplyResult> applier, Consumer<TargetEvent> publisher) {
        this(cluster, (d, patienceOver) -> applier.apply(d), publisher, r -> { }, DEFAULT_MOVE_WAIT, InstantSource.system());
    }

    /**
     * @param retried  told of each held desired state applied again (or given up on) after another reconciliation
     * @param moveWait how long a desired state waits for the target an object moves away from
     */
    TargetReconciler(String cluster, Apply applier, Consumer<TargetEvent> publisher,
            Consumer<Reconciliation> retried, Duration moveWait, InstantSource clock) {
        this.cluster = cluster;
        this.applier = applier;
        this.publisher = publisher;
        this.retried = retried;
        this.moveWait = moveWait;
        this.clock = clock;
    }

    /** Reconciles {@code desired}, then the held desired states that were waiting for its target. */
    synchronized Reconciliation reconcile(DesiredState desired) {
        held.remove(desired.target());
        Reconciliation reconciliation = reconcileOnce(desired, clock.instant().plus(moveWait), false, false);
        releaseWaitingFor(desired.target());
        return reconciliation;
    }

    /** Publishes {@code ApplyFailed} for the held desired states whose wait is over; returns what it did. */
    synchronized List<Reconciliation> expire() {
        Instant now = clock.instant();
        List<Reconciliation> done = new ArrayList<>();
        for (Held h : List.copyOf(held.values())) {
            if (now.isBefore(h.deadline())) continue;
            held.remove(h.desired().target());
            if (h.pruneOnly()) {
                done.add(reconcileOnce(h.desired(), h.deadline(), true, true));
                continue;
            }
            DesiredState d = h.desired();
            TargetEvent failed = new ApplyFailed(d.target(), d.repo(), d.commit(), d.digest(), h.result().failedObject(),
                    h.result().error() + " (waited " + moveWait.toSeconds() + "s for a newer desired state of "
                            + h.owner() + "; if both targets want the object, remove it from one of them)");
            publisher.accept(failed);
            appliedDigests.remove(d.target());
            done.add(new Reconciliation.Reconciled(h.result(), failed));
        }
        return done;
    }

    /** The targets whose desired state is held, waiting for another target. */
    synchronized List<TargetKey> held() {
        return List.copyOf(held.keySet());
    }

    private void releaseWaitingFor(TargetKey owner) {
        for (Held h : List.copyOf(held.values())) {
            if (!h.owner().equals(owner) || held.get(h.desired().target()) != h) continue;
            held.remove(h.desired().target());
            retried.accept(reconcileOnce(h.desired(), h.deadline(), h.pruneOnly(), false));
            releaseWaitingFor(h.desired().target());
        }
    }

    /**
     * @param again        a held desired state applied again: its digest may be applied already
     * @param patienceOver the wait is over: prune what left it whoever may still take it over
     */
    private Reconciliation reconcileOnce(DesiredState desired, Instant deadline, boolean again, boolean patienceOver) {
        if (!desired.target().cluster().equals(cluster)) {
            return new Reconciliation.Skipped(desired, "it is for cluster " + desired.target().cluster()
                    + " but this applier converges cluster " + cluster + " (check the renderer's environment-to-cluster"
                    + " mapping)");
        }
        if (desired.policy().suspend()) {
            return new Reconciliation.Skipped(desired, "the target is suspended (policy suspend: true)");
        }
        if (!again && desired.digest().equals(appliedDigests.get(desired.target()))) {
            return new Reconciliation.Skipped(desired, "digest " + desired.digest() + " is already applied");
        }
        ApplyResult result = applier.apply(desired, patienceOver);
        if (result.waitingFor() != null && !result.succeeded() && clock.instant().isBefore(deadline)) {
            held.put(desired.target(), new Held(desired, result.waitingFor(), result, deadline, false));
            return new Reconciliation.Skipped(desired, "held until target " + result.waitingFor() + " has caught up"
                    + " (at most until " + deadline + "): " + result.error());
        }
        TargetEvent event = result.succeeded()
                ? new Applied(desired.target(), desired.repo(), desired.commit(), desired.digest(), result.objectRefs())
                : new ApplyFailed(desired.target(), desired.repo(), desired.commit(), desired.digest(),
                        result.failedObject(), result.error());
        publisher.accept(event);
        if (result.succeeded()) appliedDigests.put(desired.target(), desired.digest());
        else appliedDigests.remove(desired.target());
        if (result.succeeded() && result.waitingFor() != null && !patienceOver) {
            held.put(desired.target(), new Held(desired, result.waitingFor(), result, deadline, true));
        }
        return new Reconciliation.Reconciled(result, event);
    }

    /** The target left Git: forget what was applied, so that if it comes back it is applied again. */
    synchronized void forget(TargetKey target) {
        appliedDigests.remove(target);
        held.remove(target);
        releaseWaitingFor(target);
    }
}
