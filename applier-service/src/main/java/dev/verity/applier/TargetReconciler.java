package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyCounts;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.ApplySuspended;
import dev.verity.events.AppliedState;
import dev.verity.events.DesiredState;
import dev.verity.events.ObjectReason;
import dev.verity.events.Pruned;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.kube.ApplyResult;
import dev.verity.kube.ObjectOutcome;
import dev.verity.kube.Outcome;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Converges one target at a time: guard clauses first (another cluster's target? suspended, which publishes
 * {@code ApplySuspended} once per digest? this digest already applied?), then {@code ApplyStarted}, the apply, and what it did: {@code AppliedState} (what the server stored,
 * for {@code verity.applied.<cluster>}) when it wrote objects, {@code Pruned} when objects left the target, and
 * {@code Applied} or {@code ApplyFailed}. The digest and policy of the last successful apply per target are kept in
 * memory, so a redelivered desired state writes nothing and publishes nothing (a change of policy alone is applied:
 * it changes what the inventory records and how the apply forces); a failed digest is tried again when it comes
 * again. A removed target ({@link #remove}) has its objects pruned or released as its inventory's policy says, and
 * {@code Pruned} (with {@code targetRemoved}) published when it had any.
 *
 * <p>Without a new desired state, a target is applied again ({@link #reconcileDue()}, {@link ReconcileSchedule}):
 * a failed digest every {@code retryInterval} of its policy until it succeeds or a newer digest arrives, with the
 * same events as the first time; an applied digest every {@code interval} (periodic reconcile: what was deleted or
 * changed in the cluster is restored), and on drift when the caller asks for self-heal ({@link #reapply}), both
 * publishing only when something changed or failed ({@link Trigger#reapplies()}). A removal that failed is done again
 * after {@link dev.verity.events.Policy#DEFAULT_RETRY_INTERVAL} (the removed target's policy is gone) until it
 * succeeds or the target comes back.
 *
 * <p>An object moving between targets in one commit may reach its new target before its old target's desired state
 * for that commit has arrived: the apply then says it waits for the old target ({@link ApplyResult#waitingFor()}).
 * Such a desired state is held, publishing nothing, and applied again right after the target it waits for has
 * been reconciled; if that does not happen within the move wait, {@link #expire()} publishes its
 * {@code ApplyFailed}. Likewise an apply or removal whose prune left an object that may be moving to a target of the
 * same commit (an apply's {@code Applied} is published at once) is done again once that target has been reconciled,
 * or with the wait over, when whatever nobody took over is pruned. A newer desired state of a held target replaces it.
 */
final class TargetReconciler {

    /** What became of one desired state or removal. */
    sealed interface Reconciliation {
        /** Nothing was applied or published, for {@code reason}. */
        record Skipped(DesiredState desired, String reason) implements Reconciliation {
        }

        /** The desired state was applied (successfully or not) and {@code event} was published. */
        record Reconciled(ApplyResult result, TargetEvent event) implements Reconciliation {
        }

        /**
         * An applied digest was applied again ({@code trigger} {@link Trigger#INTERVAL} or {@link Trigger#DRIFT})
         * and nothing changed in the cluster: nothing was published.
         */
        record Unchanged(DesiredState desired, ApplyResult result, Trigger trigger) implements Reconciliation {
        }

        /**
         * The target left Git and its inventory was worked through: {@code event} ({@code Pruned}) was published, or
         * is null when the target had no inventory; {@code held} when some prune waits for another target.
         */
        record Removed(TargetRemoved removal, ApplyResult result, Pruned event, boolean held) implements Reconciliation {
        }
    }

    /**
     * A desired state or removal held until a newer desired state of {@code owner} arrives, or {@code deadline}: not
     * applied yet ({@code pruneOnly} false), or applied with its prune waiting ({@code pruneOnly} true; always for a
     * removal).
     */
    private record Held(Object work, TargetKey owner, ApplyResult result, Instant deadline, boolean pruneOnly) {
        TargetKey target() {
            return ((TargetEvent) work).target();
        }
    }

    /** Applies a desired state; {@code patienceOver} once a held desired state's wait is over. */
    @FunctionalInterface
    interface Apply {
        ApplyResult apply(DesiredState desired, boolean patienceOver);
    }

    /** Removes a target's objects from Verity's hands; {@code patienceOver} once a held removal's wait is over. */
    @FunctionalInterface
    interface Remove {
        ApplyResult remove(TargetRemoved removal, boolean patienceOver);
    }

    /**
     * What health tracking ({@link HealthWatch}) adds to each apply: a reason to hold a desired state unapplied
     * ({@code dependsOn}), and a word after its {@code Applied} or {@code ApplyFailed} was published.
     */
    interface Hooks {
        Hooks NONE = new Hooks() {
        };

        /** A reason not to apply {@code desired} now, or empty to apply it. */
        default Optional<String> hold(DesiredState desired) {
            return Optional.empty();
        }

        /** {@code event} ({@code Applied} or {@code ApplyFailed}) was published for {@code desired}. */
        default void reported(DesiredState desired, TargetEvent event) {
        }
    }

    private volatile Hooks hooks = Hooks.NONE;

    /** Sets the health tracking's hooks (none by default). */
    void hooks(Hooks hooks) {
        this.hooks = hooks;
    }

    /** How long a desired state waits for the target an object moves away from, unless configured. */
    static final Duration DEFAULT_MOVE_WAIT = Duration.ofSeconds(60);

    private final String cluster;
    private final Apply applier;
    private final Remove remover;
    private final Consumer<TargetEvent> publisher;
    private final Consumer<Reconciliation> retried;
    private final Duration moveWait;
    private final InstantSource clock;
    /** Per target, the digest and policy last applied successfully: the same again is not applied again. */
    private final Map<TargetKey, AppliedAs> appliedDigests = new ConcurrentHashMap<>();
    /** Per target, the suspended digest and policy whose {@code ApplySuspended} was published. */
    private final Map<TargetKey, AppliedAs> suspendedDigests = new ConcurrentHashMap<>();

    /** A desired state's digest with its policy: a change of policy alone (prune, force, ...) is applied again. */
    private record AppliedAs(String digest, dev.verity.events.Policy policy) {
        static AppliedAs of(DesiredState desired) {
            return new AppliedAs(desired.digest(), desired.policy());
        }
    }
    private final Map<TargetKey, Held> held = new LinkedHashMap<>();
    /** A removal that failed, done again at {@code due}. */
    private record RemovalRetry(TargetRemoved removal, Instant due) {
    }

    /** Removals that failed, per target, done again after the default retry interval until they succeed. */
    private final Map<TargetKey, RemovalRetry> failedRemovals = new LinkedHashMap<>();
    /** When each target is applied again without a new desired state (retryInterval, interval). */
    private final ReconcileSchedule schedule = new ReconcileSchedule(new java.util.SplittableRandom());

    /**
     * @param applier   applies a desired state to the cluster
     * @param publisher publishes an event (the applier queues it for Kafka, in order: {@link RolloutOutbox})
     */
    TargetReconciler(String cluster, Function<DesiredState, ApplyResult> applier, Consumer<TargetEvent> publisher) {
        this(cluster, (d, patienceOver) -> applier.apply(d), publisher, r -> { }, DEFAULT_MOVE_WAIT, InstantSource.system());
    }

    TargetReconciler(String cluster, Apply applier, Consumer<TargetEvent> publisher,
            Consumer<Reconciliation> retried, Duration moveWait, InstantSource clock) {
        this(cluster, applier, (r, patienceOver) -> ApplyResult.removed(r.target(), r.commit(), List.of()), publisher, retried,
                moveWait, clock);
    }

    /**
     * @param remover  takes a removed target's objects out of Verity's hands
     * @param retried  told of each held desired state or removal done again (or given up on) after another
     *                 reconciliation
     * @param moveWait how long a desired state waits for the target an object moves away from
     */
    TargetReconciler(String cluster, Apply applier, Remove remover, Consumer<TargetEvent> publisher,
            Consumer<Reconciliation> retried, Duration moveWait, InstantSource clock) {
        this.cluster = cluster;
        this.applier = applier;
        this.remover = remover;
        this.publisher = publisher;
        this.retried = retried;
        this.moveWait = moveWait;
        this.clock = clock;
    }

    /** Reconciles {@code desired}, then the held desired states that were waiting for its target. */
    synchronized Reconciliation reconcile(DesiredState desired) {
        return reconcile(desired, Trigger.DESIRED);
    }

    private Reconciliation reconcile(DesiredState desired, Trigger trigger) {
        held.remove(desired.target());
        failedRemovals.remove(desired.target()); // it came back to Git
        Reconciliation reconciliation = reconcileOnce(desired, clock.instant().plus(moveWait), false, false, trigger);
        releaseWaitingFor(desired.target());
        return reconciliation;
    }

    /**
     * Applies again, in the order they fell due, every target whose failed digest's {@code retryInterval} or whose
     * applied digest's {@code interval} is over (held targets wait for what they wait for instead); returns what it
     * did. Only the leader calls this.
     */
    synchronized List<Reconciliation> reconcileDue() {
        List<Reconciliation> done = new ArrayList<>();
        for (RemovalRetry retry : List.copyOf(failedRemovals.values())) {
            if (clock.instant().isBefore(retry.due())) continue;
            failedRemovals.remove(retry.removal().target());
            done.add(remove(retry.removal()));
        }
        for (ReconcileSchedule.Entry due : schedule.due(clock.instant())) {
            if (held.containsKey(due.desired().target())) {
                schedule.forget(due.desired().target());
                continue;
            }
            done.add(reconcile(due.desired(), due.trigger()));
        }
        return done;
    }

    /**
     * Applies the target's latest desired state again because it drifted (self-heal): only when that digest is
     * applied (a failed one is retried on its {@code retryInterval} anyway) and the target is not held. Whether the
     * policy asks for self-heal, and how often, is the caller's to decide.
     */
    synchronized Reconciliation reapply(TargetKey target, Trigger trigger) {
        Optional<ReconcileSchedule.Entry> entry = schedule.get(target);
        if (entry.isEmpty() || !entry.get().applied() || held.containsKey(target)) {
            return null;
        }
        return reconcile(entry.get().desired(), trigger);
    }

    /**
     * Applies the target's latest desired state now because someone asked ({@link Trigger#SYNC}): an applied one
     * again, a failed one without waiting for its {@code retryInterval}. Null when this applier has no scheduled
     * desired state of the target (none arrived, or it is suspended) or the target waits for another one (its
     * {@code Waiting} was published when it was held).
     */
    synchronized Reconciliation sync(TargetKey target) {
        Optional<ReconcileSchedule.Entry> entry = schedule.get(target);
        if (entry.isEmpty() || held.containsKey(target)) return null;
        return reconcile(entry.get().desired(), Trigger.SYNC);
    }

    /** The latest desired state of the target this applier reconciled, if it is still scheduled. */
    synchronized Optional<DesiredState> latest(TargetKey target) {
        return schedule.get(target).map(ReconcileSchedule.Entry::desired);
    }

    /**
     * The target left Git: forgets what was applied (if it comes back it is applied again), takes its objects out of
     * Verity's hands, then does the held work that was waiting for it. A removal of a target whose removal is held
     * already (its tombstone after its {@code TargetRemoved}) changes nothing.
     */
    synchronized Reconciliation remove(TargetRemoved removal) {
        TargetKey target = removal.target();
        appliedDigests.remove(target);
        suspendedDigests.remove(target);
        Held before = held.get(target);
        if (before != null && before.work() instanceof TargetRemoved) {
            return new Reconciliation.Removed(removal, before.result(), null, true);
        }
        held.remove(target);
        schedule.forget(target);
        Reconciliation reconciliation = removeOnce(removal, clock.instant().plus(moveWait), false);
        releaseWaitingFor(target);
        return reconciliation;
    }

    /**
     * Publishes {@code ApplyFailed} for the held desired states whose wait is over, and does held prunes a last
     * time; returns what it did.
     */
    synchronized List<Reconciliation> expire() {
        Instant now = clock.instant();
        List<Reconciliation> done = new ArrayList<>();
        for (Held h : List.copyOf(held.values())) {
            if (now.isBefore(h.deadline())) continue;
            held.remove(h.target());
            if (h.work() instanceof TargetRemoved r) {
                done.add(removeOnce(r, h.deadline(), true));
                continue;
            }
            DesiredState d = (DesiredState) h.work();
            if (h.pruneOnly()) {
                done.add(reconcileOnce(d, h.deadline(), true, true, Trigger.DESIRED));
                continue;
            }
            TargetEvent failed = new ApplyFailed(d.target(), d.repo(), d.commit(), d.digest(), h.result().failedObject(),
                    h.result().error() + " (waited " + moveWait.toSeconds() + "s for a newer desired state of "
                            + h.owner() + "; if both targets want the object, remove it from one of them)",
                    failures(h.result()));
            publisher.accept(failed);
            appliedDigests.remove(d.target());
            schedule.failed(d, now);
            done.add(new Reconciliation.Reconciled(h.result(), failed));
        }
        return done;
    }

    /** The targets whose desired state or removal is held, waiting for another target. */
    synchronized List<TargetKey> held() {
        return List.copyOf(held.keySet());
    }

    private void releaseWaitingFor(TargetKey owner) {
        for (Held h : List.copyOf(held.values())) {
            if (!h.owner().equals(owner) || held.get(h.target()) != h) continue;
            held.remove(h.target());
            retried.accept(h.work() instanceof TargetRemoved r ? removeOnce(r, h.deadline(), false)
                    : reconcileOnce((DesiredState) h.work(), h.deadline(), h.pruneOnly(), false, Trigger.DESIRED));
            releaseWaitingFor(h.target());
        }
    }

    /**
     * @param again        a held desired state applied again: its digest may be applied already, and its
     *                     {@code ApplyStarted} was published
     * @param patienceOver the wait is over: prune what left it whoever may still take it over
     * @param trigger      why it is applied ({@link Trigger#reapplies()}: an applied digest applied again)
     */
    private Reconciliation reconcileOnce(DesiredState desired, Instant deadline, boolean again, boolean patienceOver,
            Trigger trigger) {
        if (!desired.target().cluster().equals(cluster)) {
            return new Reconciliation.Skipped(desired, "it is for cluster " + desired.target().cluster()
                    + " but this applier converges cluster " + cluster + " (check the renderer's environment-to-cluster"
                    + " mapping)");
        }
        if (desired.policy().suspend()) {
            return suspended(desired);
        }
        suspendedDigests.remove(desired.target());
        if (!again && trigger != Trigger.SYNC && !trigger.reapplies()
                && AppliedAs.of(desired).equals(appliedDigests.get(desired.target()))) {
            return new Reconciliation.Skipped(desired, "digest " + desired.digest() + " is already applied");
        }
        Optional<String> hold = again ? Optional.empty() : hooks.hold(desired);
        if (hold.isPresent()) return new Reconciliation.Skipped(desired, hold.get());
        if (!again && !trigger.reapplies()) {
            publisher.accept(new ApplyStarted(desired.target(), desired.repo(), desired.commit(), desired.digest(),
                    desired.documents().size()));
        }
        ApplyResult result = applier.apply(desired, patienceOver);
        if (result.waitingFor() != null && !result.succeeded() && clock.instant().isBefore(deadline)) {
            held.put(desired.target(), new Held(desired, result.waitingFor(), result, deadline, false));
            schedule.forget(desired.target());
            return new Reconciliation.Skipped(desired, "held until target " + result.waitingFor() + " has caught up"
                    + " (at most until " + deadline + "): " + result.error());
        }
        Pruned pruned = pruned(result, desired.repo(), false);
        if (trigger.reapplies() && result.succeeded() && pruned == null && !changed(result)) {
            schedule.applied(desired, clock.instant());
            return new Reconciliation.Unchanged(desired, result, trigger);
        }
        if (!result.state().isEmpty()) {
            publisher.accept(new AppliedState(desired.target(), desired.repo(), desired.commit(), desired.digest(),
                    result.objects().stream().allMatch(o -> o.outcome().applied()), result.state()));
        }
        if (pruned != null) publisher.accept(pruned);
        TargetEvent event = result.succeeded()
                ? new Applied(desired.target(), desired.repo(), desired.commit(), desired.digest(), result.objectRefs(),
                        counts(result))
                : new ApplyFailed(desired.target(), desired.repo(), desired.commit(), desired.digest(),
                        result.failedObject(), result.error(), failures(result));
        publisher.accept(event);
        hooks.reported(desired, event);
        if (result.succeeded()) {
            appliedDigests.put(desired.target(), AppliedAs.of(desired));
            schedule.applied(desired, clock.instant());
        } else {
            appliedDigests.remove(desired.target());
            schedule.failed(desired, clock.instant());
        }
        if (result.succeeded() && result.waitingFor() != null && !patienceOver) {
            held.put(desired.target(), new Held(desired, result.waitingFor(), result, deadline, true));
        }
        return new Reconciliation.Reconciled(result, event);
    }

    /**
     * A suspended target: not applied, retried, reconciled periodically or healed; {@code ApplySuspended} is
     * published once per digest and policy, so that whoever watches the rollout topic knows why nothing happens.
     */
    private Reconciliation suspended(DesiredState desired) {
        schedule.forget(desired.target());
        appliedDigests.remove(desired.target());
        if (!AppliedAs.of(desired).equals(suspendedDigests.get(desired.target()))) {
            publisher.accept(new ApplySuspended(desired.target(), desired.repo(), desired.commit(), desired.digest()));
            suspendedDigests.put(desired.target(), AppliedAs.of(desired));
        }
        return new Reconciliation.Skipped(desired, "the target is suspended (policy suspend: true): nothing is"
                + " applied, retried or healed until a desired state without suspend arrives");
    }

    /** Whether an apply created or changed an object. */
    private static boolean changed(ApplyResult result) {
        return result.objects().stream()
                .anyMatch(o -> o.outcome() == Outcome.CREATED || o.outcome() == Outcome.CONFIGURED);
    }

    private Reconciliation removeOnce(TargetRemoved removal, Instant deadline, boolean patienceOver) {
        ApplyResult result = remover.remove(removal, patienceOver);
        boolean hold = result.waitingFor() != null && !patienceOver && clock.instant().isBefore(deadline);
        if (hold) held.put(removal.target(), new Held(removal, result.waitingFor(), result, deadline, true));
        if (!result.succeeded() && !hold) {
            failedRemovals.put(removal.target(),
                    new RemovalRetry(removal, clock.instant().plus(dev.verity.events.Policy.DEFAULT_RETRY_INTERVAL)));
        } else {
            failedRemovals.remove(removal.target());
        }
        Pruned event = pruned(result, removal.repo(), true);
        if (event != null) publisher.accept(event);
        return new Reconciliation.Removed(removal, result, event, hold);
    }

    /** The {@code Pruned} event of what became of the objects that left a target, or null when none did anything. */
    static Pruned pruned(ApplyResult result, String repo, boolean targetRemoved) {
        List<ObjectOutcome> done = result.removed().stream()
                .filter(o -> o.outcome() == Outcome.PRUNED || o.outcome() == Outcome.KEPT || o.outcome() == Outcome.FAILED)
                .toList();
        if (done.isEmpty()) return null;
        return new Pruned(result.target(), repo, result.commit(), result.digest(), targetRemoved,
                done.stream().filter(o -> o.outcome() == Outcome.PRUNED).map(ObjectOutcome::object).toList(),
                reasons(done, Outcome.KEPT), reasons(done, Outcome.FAILED));
    }

    static ApplyCounts counts(ApplyResult result) {
        return new ApplyCounts((int) result.count(Outcome.CREATED), (int) result.count(Outcome.CONFIGURED),
                (int) result.count(Outcome.UNCHANGED), (int) result.count(Outcome.PRUNED), (int) result.count(Outcome.KEPT));
    }

    /** Every object that failed, of the desired state and of those that left it. */
    static List<ObjectReason> failures(ApplyResult result) {
        List<ObjectReason> failed = new ArrayList<>(reasons(result.objects(), Outcome.FAILED));
        failed.addAll(reasons(result.removed(), Outcome.FAILED));
        return failed;
    }

    private static List<ObjectReason> reasons(List<ObjectOutcome> outcomes, Outcome outcome) {
        return outcomes.stream().filter(o -> o.outcome() == outcome).map(o -> new ObjectReason(o.object(), o.reason()))
                .toList();
    }

    /**
     * Forgets every digest applied (a replica elected leader again cannot know what another leader did in
     * between) and gives up every held desired state or removal, returning them in the order they were held, to be
     * done again by whoever leads next.
     */
    synchronized List<Object> handOver() {
        appliedDigests.clear();
        List<Object> work = new ArrayList<>(held.values().stream().map(Held::work).toList());
        failedRemovals.values().stream().map(RemovalRetry::removal).filter(r -> !held.containsKey(r.target()))
                .forEach(work::add);
        held.clear();
        failedRemovals.clear();
        return work;
    }

    /** The target left Git: forget what was applied, so that if it comes back it is applied again. */
    synchronized void forget(TargetKey target) {
        failedRemovals.remove(target);
        appliedDigests.remove(target);
        suspendedDigests.remove(target);
        schedule.forget(target);
        held.remove(target);
        releaseWaitingFor(target);
    }
}
