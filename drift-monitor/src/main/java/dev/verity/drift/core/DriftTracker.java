package dev.verity.drift.core;

import dev.verity.events.Applied;
import dev.verity.events.AppliedObject;
import dev.verity.events.IgnoreDifference;
import dev.verity.events.AppliedState;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.FieldChange;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.kube.diff.Comparison;
import dev.verity.kube.diff.DesiredObject;
import dev.verity.kube.diff.DriftComparator;
import dev.verity.kube.diff.FieldDifference;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The drift monitor's memory and decisions for one cluster: the latest desired state of every target, which digest
 * the applier last reported {@code Applied}, and the drift already reported per object.
 *
 * <ul>
 * <li>An object is compared with what the server stored when Verity applied it ({@link AppliedState}, from
 * {@code verity.applied.<cluster>}), on the fields Verity applied then, when the target's latest {@code AppliedState}
 * is of the digest being compared and lists the object; otherwise (an older applier, a state not yet arrived, an
 * apply that stopped before the object) with the desired document ({@link DriftComparator#compare}), once the
 * {@code appliedStateWait} after the digest became comparable is over. Either way the paths the target's policy
 * ignores for the object ({@code ignoreDifferences}) are left out of the comparison.</li>
 * <li>A target is compared only while its latest desired digest is the one last applied. A new desired state holds
 * the target (no comparison, no events) until the applier reports it applied, so a rollout in progress is never
 * reported as drift.</li>
 * <li>The applier may be ahead of the monitor (after a takeover, a restart, a rebalance, or a slow monitor): it can
 * apply a commit whose desired state and {@code Applied} this tracker has not taken in yet, and the object then
 * differs from the digest compared. So a difference whose latest write is Verity's own server-side apply
 * ({@link Observation.Present#ownApplyAt()}: manager {@code verity}, operation {@code Apply}, no one else since) less
 * than {@code ownApplyGrace} ago is held: nothing is published, as for a target whose new desired state is not applied
 * yet, and the object is named by {@link #holdsToRecheck()} to be read again when the hold ends. By then the newer
 * desired state has held the target and, once applied, matches; or the difference is still there and is reported
 * then (a stray write with Verity's field manager is reported late, never hidden). A change by anyone else is
 * reported at once, even right after an apply. The same holds for an object that claims the target without being in
 * its desired state ({@code UNEXPECTED}). A deletion has no {@code managedFields} to tell: an absent object is held
 * likewise while the applier's {@link #inventory} of the target (recorded before it applies, rewritten after it
 * prunes) is of another commit than the one compared, for the grace from when that inventory was first seen.</li>
 * <li>An observation becomes an event only on a transition: {@code DriftDetected} when an object starts to differ,
 * or differs in another kind (modified, then deleted), with every differing field; {@code DriftUpdated} when the set
 * of differing fields of an open divergence changes; {@code DriftResolved} when it matches again;
 * {@code DriftUnknown} when it cannot be read (then the next reading publishes what it finds, so an unknown object
 * is never taken as in sync). The same observation twice publishes nothing.</li>
 * <li>Events carry the target's {@code selfHeal} policy and the detection latency: from the write's time in
 * {@code managedFields} (whole seconds) to now, when that write happened after the monitor became ready.</li>
 * <li>Nothing is compared or published before {@link #ready()}: the monitor first rebuilds its state from the
 * topics, including the drift it reported before a restart ({@link #remember}), so drift that ended while it was
 * down is still resolved.</li>
 * </ul>
 *
 * Thread-safe: every method is synchronized.
 */
public final class DriftTracker {

    private static final Logger LOG = Logger.getLogger(DriftTracker.class);

    /** Marks an object whose last event may not have been published: the next observation always publishes. */
    private static final Reported UNPUBLISHED = new Reported(null, List.of(), "not published");

    private final String cluster;
    private final DriftComparator comparator;
    private final Clock clock;
    private final Map<TargetKey, Target> targets = new TreeMap<>();
    /** the applier's inventory of each target, as its inventory ConfigMap says */
    private final Map<TargetKey, Inventoried> inventories = new HashMap<>();
    /** the targets comparing each object; null when a target's compared objects changed since it was built */
    private Map<ObjectRef, List<Compared>> byRef;
    private boolean ready;
    private Instant readySince;

    private final Duration appliedStateWait;
    private final Duration ownApplyGrace;
    /** objects held because Verity's own recent apply wrote them, until when (the write's time plus the grace) */
    private final Map<ObjectRef, Instant> ownApplyHolds = new HashMap<>();
    /** holds begun since {@link #holdsToRecheck()} was last asked: the objects to read again when they end */
    private final Map<ObjectRef, Instant> recheck = new HashMap<>();

    /**
     * A tracker that compares with the desired document at once when a target has no {@code AppliedState}, and
     * reports a difference Verity's own apply wrote at once too.
     */
    public DriftTracker(String cluster, DriftComparator comparator) {
        this(cluster, comparator, Clock.systemUTC(), Duration.ZERO);
    }

    /** A tracker that reports a difference Verity's own apply wrote at once (no grace). */
    public DriftTracker(String cluster, DriftComparator comparator, Clock clock, Duration appliedStateWait) {
        this(cluster, comparator, clock, appliedStateWait, Duration.ZERO);
    }

    /**
     * @param clock            what detection latency and the wait are measured with
     * @param appliedStateWait how long after a digest became comparable an object without an {@code AppliedState}
     *                         of that digest is not compared yet, waiting for it (it travels on another topic than
     *                         {@code Applied}, so it may arrive a moment later); after that the desired document is
     *                         compared with the live object (an older applier publishes none)
     * @param ownApplyGrace    how long after Verity's own server-side apply wrote an object
     *                         ({@link Observation.Present#ownApplyAt()}) a difference is not reported, as the apply
     *                         of a desired state this monitor has not read yet (zero: reported at once)
     */
    public DriftTracker(String cluster, DriftComparator comparator, Clock clock, Duration appliedStateWait,
            Duration ownApplyGrace) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.comparator = Objects.requireNonNull(comparator, "comparator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.appliedStateWait = Objects.requireNonNull(appliedStateWait, "appliedStateWait");
        this.ownApplyGrace = Objects.requireNonNull(ownApplyGrace, "ownApplyGrace");
    }

    /** See {@link #DriftTracker(String, DriftComparator, Clock, Duration)}. */
    public Duration appliedStateWait() {
        return appliedStateWait;
    }

    /** A target's latest desired state arrived (or was re-read from the compacted topic). */
    public synchronized Reaction onDesired(DesiredState desired) {
        if (!mine(desired.target())) return Reaction.NONE;
        Target t = targets.computeIfAbsent(desired.target(), Target::new);
        if (t.desired != null && t.desired.digest().equals(desired.digest())
                && t.desired.commit().equals(desired.commit())) {
            return Reaction.NONE; // redelivered
        }
        t.desired = desired;
        try {
            t.objects = DesiredObject.parseAll(desired.documents());
        } catch (IllegalArgumentException e) {
            t.objects = null;
            t.unreadable = "desired state cannot be read: " + e.getMessage();
            LOG.errorf("%s: desired state cannot be read, so the target is not compared until a readable one is"
                    + " applied: %s", desired.describe(), e.getMessage());
            Reaction held = refresh(t);
            if (!ready) return held;
            return new Reaction(List.of(new DriftUnknown(t.key, t.repo(), t.commit(), null, t.unreadable)), held.check());
        }
        t.unreadable = null;
        return refresh(t);
    }

    /** The applier reported a target converged to a desired digest. */
    public synchronized Reaction onApplied(Applied applied) {
        if (!mine(applied.target())) return Reaction.NONE;
        Target t = targets.computeIfAbsent(applied.target(), Target::new);
        t.appliedDigest = applied.digest();
        t.appliedObjects = applied.objects();
        return refresh(t);
    }

    /**
     * What the applier wrote for a target, as the server stored it. When it is of the digest being compared, the
     * target's objects are read again and compared with it.
     */
    public synchronized Reaction onAppliedState(AppliedState state) {
        if (!mine(state.target())) return Reaction.NONE;
        Target t = targets.computeIfAbsent(state.target(), Target::new);
        t.appliedState = state;
        if (!ready || t.activeDigest == null || !t.activeDigest.equals(state.digest())) return Reaction.NONE;
        return new Reaction(List.of(), t.compared.stream().map(DesiredObject::ref).distinct().toList());
    }

    /** The target's {@code verity.applied.<cluster>} record was tombstoned: its objects are compared with the desired documents. */
    public synchronized void onAppliedStateRemoved(TargetKey key) {
        Target t = targets.get(key);
        if (t != null) t.appliedState = null;
    }

    /**
     * A target left Git (its tombstone or {@code TargetRemoved}): it is forgotten, and drift reported on its objects
     * is resolved. {@code repo} and {@code commit} may be null (a tombstone), then the last known ones are used.
     */
    public synchronized Reaction onRemoved(TargetKey key, String repo, String commit) {
        Target t = targets.get(key);
        if (t == null) return Reaction.NONE;
        t.seen(t.repo(), t.commit());
        t.seen(repo, commit);
        t.desired = null;
        t.objects = null;
        t.appliedDigest = null;
        t.appliedObjects = List.of();
        t.activeDigest = null;
        t.compared = List.of();
        byRef = null;
        if (!ready) return Reaction.NONE; // resolved by ready(), once the drift history is read too
        targets.remove(key);
        return Reaction.of(resolveAll(t));
    }

    /**
     * A drift event this monitor published before it restarted, or the leading monitor published while this one
     * stood by, read back from the drift topic: it is what was last reported for the object. Ignored while
     * {@link #ready()} (this monitor then publishes itself).
     */
    public synchronized void remember(TargetEvent event) {
        if (ready || !cluster.equals(event.target().cluster())) return; // the drift topic holds every cluster's
        Target t = targets.computeIfAbsent(event.target(), Target::new);
        t.seen(event.repo(), event.commit());
        if (event instanceof DriftDetected d) t.reported.put(d.object(), new Reported(d.kind(), d.fields(), null));
        else if (event instanceof DriftUpdated u) t.reported.put(u.object(), new Reported(DriftKind.MODIFIED, u.fields(), null));
        else if (event instanceof DriftUnknown u && u.object() != null) t.reported.put(u.object(), new Reported(null, List.of(), u.reason()));
        else if (event instanceof DriftResolved r) t.reported.remove(r.object());
    }

    /**
     * The state was rebuilt from the topics: comparisons start. Drift reported on targets that are gone, or on
     * objects that left their target, is resolved; the answer names every object to read now.
     */
    public synchronized Reaction ready() {
        if (ready) return Reaction.NONE;
        ready = true;
        readySince = clock.instant();
        byRef = null;
        List<TargetEvent> events = new ArrayList<>();
        for (Target t : List.copyOf(targets.values())) {
            if (t.desired == null) { // not on the desired-state topic: the target is gone
                targets.remove(t.key);
                events.addAll(resolveAll(t));
            } else if (t.activeDigest != null) {
                events.addAll(resolveGone(t));
            } else if (t.unreadable != null) {
                events.add(new DriftUnknown(t.key, t.repo(), t.commit(), null, t.unreadable));
            }
        }
        return new Reaction(events, List.copyOf(watched()));
    }

    /**
     * This monitor no longer publishes (it lost the leadership): comparisons stop until the next {@link #ready()},
     * and drift events another monitor publishes meanwhile are taken in through {@link #remember} again, so that
     * what it last reported for each object is what it starts from when it leads again. Its inputs keep arriving.
     */
    public synchronized void standby() {
        ready = false;
        readySince = null;
        byRef = null;
        ownApplyHolds.clear(); // a hold found while leading is found again, and rechecked, after the next election
        recheck.clear();
    }

    public synchronized boolean isReady() {
        return ready;
    }

    /** The objects to watch: those of every target being compared (none before {@link #ready()}). */
    public synchronized Set<ObjectRef> watched() {
        Set<ObjectRef> refs = new LinkedHashSet<>();
        if (!ready) return refs;
        targets.values().forEach(t -> t.compared.forEach(o -> refs.add(o.ref())));
        return refs;
    }

    /** The targets being compared and those held (waiting for their desired state to be applied). */
    public synchronized Map<TargetKey, String> status() {
        Map<TargetKey, String> status = new TreeMap<>();
        targets.values().forEach(t -> status.put(t.key, t.activeDigest != null ? "compared"
                : t.desired == null ? "applied, desired state not seen" : "held until applied"));
        return status;
    }

    /** What the cluster holds for {@code ref}: the drift events this observation causes, usually none. */
    public synchronized List<TargetEvent> observe(ObjectRef ref, Observation observation) {
        return observe(ref, observation, null);
    }

    /**
     * What the cluster holds for {@code ref}, and the target its {@code verity.dev/target} annotation names (null:
     * none, or the object is absent or unreadable). Besides comparing it for every target that has it, an object
     * present with the annotation of a compared target that does not have it, or without any annotation but in the
     * target's {@link #inventory}, is {@code UNEXPECTED}; that drift is resolved when the object is gone, no longer
     * claims the target or joins the target's desired state.
     */
    public synchronized List<TargetEvent> observe(ObjectRef ref, Observation observation, String targetAnnotation) {
        if (!ready) return List.of();
        List<TargetEvent> events = new ArrayList<>();
        Set<TargetKey> comparing = new HashSet<>();
        for (Compared c : index().getOrDefault(ref, List.of())) {
            comparing.add(c.target().key);
            compare(c.target(), c.object(), observation).ifPresent(events::add);
        }
        if (observation instanceof Observation.Unreadable) return events;
        for (Target t : targets.values()) {
            if (t.activeDigest == null || comparing.contains(t.key)) continue;
            boolean claims = t.key.toString().equals(targetAnnotation)
                    || (targetAnnotation == null && extraInInventory(t).contains(ref));
            boolean unexpected = observation instanceof Observation.Present && claims;
            Reported before = t.reported.get(ref);
            boolean reported = before != null && before.kind() == DriftKind.UNEXPECTED;
            if (unexpected && !reported && heldAsOwnApply(t, ref, (Observation.Present) observation)) continue;
            if (unexpected && !reported) {
                t.reported.put(ref, new Reported(DriftKind.UNEXPECTED, List.of(), null));
                Observation.Present present = (Observation.Present) observation;
                events.add(new DriftDetected(t.key, t.repo(), t.commit(), ref, DriftKind.UNEXPECTED, List.of(),
                        present.resourceVersion(), List.of(), t.desired.policy().selfHeal(),
                        latencyMillis(present.changedAt())));
            } else if (!unexpected && reported) {
                t.reported.remove(ref);
                events.add(new DriftResolved(t.key, t.repo(), t.commit(), ref,
                        observation instanceof Observation.Present p ? p.resourceVersion() : ""));
            }
        }
        return events;
    }

    /**
     * The targets comparing {@code ref} that have not reported it deleted: those for which finding it gone would be
     * news (their inventory is worth reading first, see {@link #inventory}).
     */
    public synchronized Set<TargetKey> notReportedGone(ObjectRef ref) {
        if (!ready) return Set.of();
        Set<TargetKey> keys = new LinkedHashSet<>();
        for (Compared c : index().getOrDefault(ref, List.of())) {
            Reported before = c.target().reported.get(ref);
            if (before == null || before.kind() != DriftKind.DELETED) keys.add(c.target().key);
        }
        return keys;
    }

    /** Which targets compare an object, built from their compared objects when first needed after a change. */
    private Map<ObjectRef, List<Compared>> index() {
        if (byRef == null) {
            byRef = new HashMap<>();
            for (Target t : targets.values()) {
                if (t.activeDigest == null) continue;
                for (DesiredObject o : t.compared) byRef.computeIfAbsent(o.ref(), r -> new ArrayList<>()).add(new Compared(t, o));
            }
        }
        return byRef;
    }

    private record Compared(Target target, DesiredObject object) {
    }

    /** @param seenAt when this tracker first saw the inventory at this commit */
    private record Inventoried(String commit, Set<ObjectRef> objects, Instant seenAt) {
    }

    /** How much drift is open: objects and targets with drift reported and not resolved, and objects unknown. */
    public record Open(int objects, int targets, int unknown) {
    }

    /** The drift open now, for gauges. */
    public synchronized Open open() {
        int objects = 0;
        int drifted = 0;
        int unknown = 0;
        for (Target t : targets.values()) {
            int before = objects;
            for (Reported r : t.reported.values()) {
                if (r.kind() != null) objects++;
                else if (r != UNPUBLISHED) unknown++;
            }
            if (objects > before) drifted++;
        }
        return new Open(objects, drifted, unknown);
    }

    /**
     * The applier's inventory of {@code target} (from its inventory ConfigMap): the objects it applied and still
     * answers for at {@code commit}, or none when the inventory is gone. An object in it but not in the desired state
     * of that commit (a prune that failed, say) is {@code UNEXPECTED} while it exists, whether or not it still carries
     * Verity's label and annotation; an inventory of another commit than the one compared is not used (it is about
     * to be rewritten by a rollout).
     *
     * @return the objects to read now: those the inventory has or had and the target does not compare
     */
    public synchronized Set<ObjectRef> inventory(TargetKey target, String commit, Set<ObjectRef> objects) {
        Target t = targets.get(target);
        Set<ObjectRef> read = new LinkedHashSet<>(t == null ? Set.of() : extraInInventory(t));
        if (objects.isEmpty()) inventories.remove(target);
        else {
            Inventoried before = inventories.get(target);
            Instant seenAt = before != null && Objects.equals(before.commit(), commit) ? before.seenAt() : clock.instant();
            inventories.put(target, new Inventoried(commit, Set.copyOf(objects), seenAt));
        }
        if (t != null) read.addAll(extraInInventory(t));
        return read;
    }

    /** Objects in a target's current inventory that it does not compare: read at a resync (they may lack the label). */
    public synchronized Set<ObjectRef> inventoried() {
        Set<ObjectRef> refs = new LinkedHashSet<>();
        targets.values().forEach(t -> refs.addAll(extraInInventory(t)));
        return refs;
    }

    private Set<ObjectRef> extraInInventory(Target t) {
        Inventoried inventory = inventories.get(t.key);
        if (t.activeDigest == null || inventory == null || !Objects.equals(inventory.commit(), t.commit())) {
            return Set.of();
        }
        Set<ObjectRef> extra = new LinkedHashSet<>(inventory.objects());
        t.compared.forEach(o -> extra.remove(o.ref()));
        return extra;
    }

    /** The objects reported {@code UNEXPECTED} and still open: read again at a resync, to resolve them when gone. */
    public synchronized Set<ObjectRef> unexpected() {
        Set<ObjectRef> refs = new LinkedHashSet<>();
        targets.values().forEach(t -> t.reported.forEach((ref, r) -> {
            if (r.kind() == DriftKind.UNEXPECTED) refs.add(ref);
        }));
        return refs;
    }

    /**
     * An event about {@code ref} could not be published: the next observation of the object publishes whatever it
     * finds, so nothing is lost.
     */
    public synchronized void unpublished(TargetKey key, ObjectRef ref) {
        Target t = targets.get(key);
        if (t != null) t.reported.put(ref, UNPUBLISHED);
    }

    private Optional<TargetEvent> compare(Target t, DesiredObject object, Observation observation) {
        Reported now;
        String resourceVersion = "";
        List<FieldChange> changes = List.of();
        Instant changedAt = null;
        if (observation instanceof Observation.Present present) {
            Comparison comparison;
            try {
                AppliedObject stored = t.stored(object.ref());
                if (stored == null && t.awaitingAppliedState(clock.instant(), appliedStateWait)) {
                    return Optional.empty(); // compared when it arrives, or once the wait is over
                }
                List<IgnoreDifference> ignore = t.desired.policy().ignoreDifferences();
                comparison = stored != null ? comparator.compareApplied(stored, present.json(), ignore)
                        : comparator.compare(object, present.json(), ignore);
            } catch (IllegalArgumentException e) {
                LOG.warnf("%s: cannot compare %s: %s", t.desired.describe(), object.ref(), e.getMessage());
                return unknown(t, object.ref(), "cannot compare: " + e.getMessage());
            }
            now = comparison.matches() ? null : new Reported(DriftKind.MODIFIED, comparison.paths(), null);
            if (now != null && !now.equals(t.reported.get(object.ref())) && heldAsOwnApply(t, object.ref(), present)) {
                return Optional.empty(); // decided by a later observation: the desired state applied may be newer
            }
            if (now == null) ownApplyHolds.remove(object.ref());
            changes = comparison.differences().stream().map(DriftTracker::change).toList();
            resourceVersion = present.resourceVersion();
            changedAt = present.changedAt();
        } else if (observation instanceof Observation.Unreadable unreadable) {
            return unknown(t, object.ref(), unreadable.reason());
        } else {
            now = new Reported(DriftKind.DELETED, List.of(), null);
            if (!now.equals(t.reported.get(object.ref())) && heldAsPrune(t, object.ref())) {
                return Optional.empty(); // decided by a later observation: the applier may be pruning a newer commit
            }
        }
        Reported before = t.reported.get(object.ref());
        if (Objects.equals(now, before)) return Optional.empty();
        boolean selfHeal = t.desired.policy().selfHeal();
        if (now == null) {
            t.reported.remove(object.ref());
            return Optional.of(new DriftResolved(t.key, t.repo(), t.commit(), object.ref(), resourceVersion));
        }
        t.reported.put(object.ref(), now);
        Long latency = latencyMillis(changedAt);
        if (before != null && before.kind() == DriftKind.MODIFIED && now.kind() == DriftKind.MODIFIED) {
            return Optional.of(new DriftUpdated(t.key, t.repo(), t.commit(), object.ref(), now.fields(), changes,
                    resourceVersion, selfHeal, latency));
        }
        return Optional.of(new DriftDetected(t.key, t.repo(), t.commit(), object.ref(), now.kind(), now.fields(),
                resourceVersion, changes, selfHeal, latency));
    }

    /**
     * Whether a difference is held as the work of Verity's own apply of a desired state this monitor has not read
     * yet: its latest write is Verity's own server-side apply, less than the grace ago. The object is read again when
     * the hold ends ({@link #holdsToRecheck()}); then, or at any later observation, the difference is reported.
     */
    private boolean heldAsOwnApply(Target t, ObjectRef ref, Observation.Present present) {
        Instant own = present.ownApplyAt();
        if (own == null || ownApplyGrace.isZero()) {
            ownApplyHolds.remove(ref);
            return false;
        }
        Instant until = own.plus(ownApplyGrace);
        if (!clock.instant().isBefore(until)) {
            ownApplyHolds.remove(ref);
            return false;
        }
        if (!until.equals(ownApplyHolds.put(ref, until))) {
            recheck.put(ref, until);
            LOG.infof("%s: %s differs from commit %s, but its latest write is Verity's own apply at %s, maybe of a"
                    + " desired state this monitor has not read yet: reported only if it still differs at %s",
                    t.desired.describe(), ref, t.commit(), own, until);
        }
        return true;
    }

    /**
     * Whether an absent object is held as a prune by the applier of a commit this monitor has not read yet: the
     * target's inventory (written by the applier before it applies, pruned after) names another commit than the one
     * compared, and was first seen at that commit less than the grace ago.
     */
    private boolean heldAsPrune(Target t, ObjectRef ref) {
        Inventoried inventory = inventories.get(t.key);
        if (inventory == null || ownApplyGrace.isZero() || Objects.equals(inventory.commit(), t.commit())) return false;
        Instant until = inventory.seenAt().plus(ownApplyGrace);
        if (!clock.instant().isBefore(until)) return false;
        if (!until.equals(ownApplyHolds.put(ref, until))) {
            recheck.put(ref, until);
            LOG.infof("%s: %s is gone, but the applier's inventory of the target is of commit %s, maybe a rollout"
                    + " this monitor has not read yet: reported only if it is still gone at %s", t.desired.describe(),
                    ref, inventory.commit(), until);
        }
        return true;
    }

    /**
     * The objects whose difference began to be held ({@code ownApplyGrace}) since this was last asked, with when the
     * hold ends: the caller reads each again then, so that a hold never hides drift past the grace. Clears them.
     */
    public synchronized Map<ObjectRef, Instant> holdsToRecheck() {
        if (recheck.isEmpty()) return Map.of();
        Map<ObjectRef, Instant> due = Map.copyOf(recheck);
        recheck.clear();
        return due;
    }

    /** The object could not be read or compared: {@code DriftUnknown} once per reason, never "in sync". */
    private Optional<TargetEvent> unknown(Target t, ObjectRef ref, String reason) {
        Reported now = new Reported(null, List.of(), reason);
        if (now.equals(t.reported.get(ref))) return Optional.empty();
        t.reported.put(ref, now);
        return Optional.of(new DriftUnknown(t.key, t.repo(), t.commit(), ref, reason));
    }

    /** Milliseconds from a write after the monitor became ready to now; null for none or an earlier one. */
    private Long latencyMillis(Instant changedAt) {
        if (changedAt == null || readySince == null || changedAt.isBefore(readySince.minusSeconds(1))) return null;
        return Math.max(0, Duration.between(changedAt, clock.instant()).toMillis());
    }

    private static FieldChange change(FieldDifference d) {
        return new FieldChange(d.path(), d.desired(), d.live());
    }

    /** Starts or stops comparing a target after its desired or applied digest changed. */
    private Reaction refresh(Target t) {
        byRef = null;
        boolean comparable = t.desired != null && t.objects != null && t.desired.digest().equals(t.appliedDigest);
        if (!comparable) {
            if (ready && t.activeDigest != null) {
                LOG.infof("%s: holding drift checks until the applier reports digest %s applied",
                        t.desired.describe(), t.desired.digest());
            }
            t.activeDigest = null;
            t.compared = List.of();
            return Reaction.NONE;
        }
        if (!t.desired.digest().equals(t.activeDigest)) t.comparableSince = clock.instant();
        t.activeDigest = t.desired.digest();
        t.compared = resolveNamespaces(t.objects, t.appliedObjects);
        if (!ready) return Reaction.NONE;
        return new Reaction(resolveGone(t), t.compared.stream().map(DesiredObject::ref).distinct().toList());
    }

    /** Resolves drift reported on objects the target no longer has. */
    private List<TargetEvent> resolveGone(Target t) {
        Set<ObjectRef> current = new LinkedHashSet<>();
        t.compared.forEach(o -> current.add(o.ref()));
        List<TargetEvent> events = new ArrayList<>();
        for (ObjectRef gone : List.copyOf(t.reported.keySet())) {
            if (!current.contains(gone) && t.reported.get(gone).kind() != DriftKind.UNEXPECTED) {
                t.reported.remove(gone);
                events.add(new DriftResolved(t.key, t.repo(), t.commit(), gone, ""));
            }
        }
        return events;
    }

    /** Resolves all drift reported on a target that is gone. */
    private static List<TargetEvent> resolveAll(Target t) {
        List<TargetEvent> events = new ArrayList<>();
        if (t.repo() == null) return events;
        t.reported.keySet().forEach(ref -> events.add(new DriftResolved(t.key, t.repo(), t.commit(), ref, "")));
        t.reported.clear();
        return events;
    }

    /** A document without a namespace gets the one the applier reported for it (the cluster's default otherwise). */
    private static List<DesiredObject> resolveNamespaces(List<DesiredObject> objects, List<ObjectRef> applied) {
        List<DesiredObject> resolved = new ArrayList<>(objects.size());
        for (DesiredObject o : objects) {
            DesiredObject r = o;
            if (o.ref().namespace() == null) {
                for (ObjectRef a : applied) {
                    if (a.namespace() != null && a.kind().equals(o.ref().kind()) && a.name().equals(o.ref().name())
                            && group(a.apiVersion()).equals(group(o.ref().apiVersion()))) {
                        r = o.inNamespace(a.namespace());
                        break;
                    }
                }
            }
            resolved.add(r);
        }
        return resolved;
    }

    private static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private boolean mine(TargetKey key) {
        if (cluster.equals(key.cluster())) return true;
        LOG.warnf("ignoring an event for target %s: this drift monitor watches cluster %s", key, cluster);
        return false;
    }

    /** What was last published about an object: a drift (kind and fields), or unknown (kind null, with why). */
    private record Reported(DriftKind kind, List<String> fields, String unknownReason) {
    }

    private static final class Target {
        final TargetKey key;
        DesiredState desired;
        List<DesiredObject> objects;
        String appliedDigest;
        List<ObjectRef> appliedObjects = List.of();
        /** the digest being compared; null while the target is held */
        String activeDigest;
        List<DesiredObject> compared = List.of();
        /** why the latest desired state cannot be compared (unreadable), or null */
        String unreadable;
        /** the latest record of {@code verity.applied.<cluster>}, of whatever digest */
        AppliedState appliedState;
        final Map<ObjectRef, Reported> reported = new HashMap<>();
        /** the repository and commit of the last event about a target that has no desired state (any more) */
        private String lastRepo;
        private String lastCommit;

        Target(TargetKey key) {
            this.key = key;
        }

        /** when the digest being compared became comparable */
        Instant comparableSince = Instant.EPOCH;

        /** No {@code AppliedState} of the compared digest yet, and the wait for it is not over. */
        boolean awaitingAppliedState(Instant now, Duration wait) {
            boolean arrived = appliedState != null && appliedState.digest().equals(activeDigest);
            return !arrived && now.isBefore(comparableSince.plus(wait));
        }

        /** What the server stored for {@code ref} at the apply of the digest being compared; null if unknown. */
        AppliedObject stored(ObjectRef ref) {
            if (appliedState == null || !appliedState.digest().equals(activeDigest)) return null;
            for (AppliedObject o : appliedState.objects()) {
                if (o.object().equals(ref) && !o.fields().isEmpty()) return o;
            }
            return null;
        }

        void seen(String repo, String commit) {
            if (repo != null && !repo.isBlank()) lastRepo = repo;
            if (commit != null && !commit.isBlank()) lastCommit = commit;
        }

        /** What events name: the latest desired state's repository, else the last known. */
        String repo() {
            return desired != null ? desired.repo() : lastRepo;
        }

        String commit() {
            return desired != null ? desired.commit() : lastCommit;
        }
    }
}
