package dev.verity.kube;

import dev.verity.events.AppliedObject;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The report of one apply of a target's desired state: what happened to each object of it, in apply order, what
 * happened to the objects that left it ({@code removed}: pruned or kept, in prune order), and, when it failed, the
 * step it stopped at, the object that failed (null when the failure is not about one object) and an error naming
 * the target, the object and what to do. Nothing here contains object content. {@code waitingFor} names the target
 * whose newer desired state this apply waits for, null when none: a failed one could not take over an object whose
 * old target has not caught up with the commit yet; a successful one left an object unpruned that may be moving to
 * that target. {@code state} holds what the server stored for each object this apply wrote ({@link AppliedObject}:
 * Verity's field set and those fields' values, Secret data hashed), for {@code verity.applied.<cluster>}.
 */
public record ApplyResult(TargetKey target, String commit, String digest, List<ObjectOutcome> objects,
        ApplyStep failedAt, ObjectRef failedObject, String error, List<ObjectOutcome> removed, TargetKey waitingFor,
        List<AppliedObject> state) {

    private static final int NAMES_SHOWN = 10;

    public ApplyResult {
        Objects.requireNonNull(target, "target");
        objects = List.copyOf(objects);
        removed = removed == null ? List.of() : List.copyOf(removed);
        state = state == null ? List.of() : List.copyOf(state);
        if ((failedAt == null) != (error == null)) {
            throw new IllegalArgumentException("a failed apply has both a step and an error, a successful one neither");
        }
    }

    /** Every object applied (created, configured or unchanged). */
    public static ApplyResult succeeded(TargetKey target, String commit, String digest, List<ObjectOutcome> objects) {
        return new ApplyResult(target, commit, digest, objects, null, null, null, List.of(), null, List.of());
    }

    /** The documents failed validation: nothing was written. */
    public static ApplyResult invalid(TargetKey target, String commit, String digest, List<ObjectRef> objects,
            ObjectRef firstInvalid, List<Problem> problems) {
        String error = target.at(commit) + ": the desired state is invalid, so nothing was applied and the cluster"
                + " is unchanged: " + problems.stream().map(Problem::message).collect(Collectors.joining("; ")) + ". Fix the overlay and push again.";
        return new ApplyResult(target, commit, digest, skipped(objects, "the desired state is invalid"),
                ApplyStep.VALIDATE, firstInvalid, error, List.of(), null, List.of());
    }

    /**
     * The apply failed at a step before writing (the cluster could not be read, or an object belongs to another
     * target): nothing was written.
     *
     * @param object the object it failed on, or null when the failure is not about one object
     */
    public static ApplyResult notWritten(TargetKey target, String commit, String digest, List<ObjectRef> objects,
            ApplyStep step, ObjectRef object, String error) {
        if (!step.clusterUnchanged()) throw new IllegalArgumentException(step + " writes to the cluster");
        String skipped = object == null ? "not applied: the apply failed at " + step.name().toLowerCase()
                : "not applied: " + object + " was refused";
        List<ObjectOutcome> outcomes = objects.stream()
                .map(o -> o.equals(object) ? new ObjectOutcome(o, Outcome.FAILED, error)
                        : new ObjectOutcome(o, Outcome.SKIPPED, skipped))
                .toList();
        return new ApplyResult(target, commit, digest, outcomes, step, object, error, List.of(), null, List.of());
    }

    /** The apply stopped at its first failed object; the objects before it were applied, those after it not. */
    public static ApplyResult stopped(TargetKey target, String commit, String digest, List<ObjectOutcome> objects) {
        ObjectOutcome failed = objects.stream().filter(o -> o.outcome() == Outcome.FAILED).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("a stopped apply has a failed object"));
        List<ObjectRef> applied = objects.stream().filter(o -> o.outcome().applied()).map(ObjectOutcome::object).toList();
        List<ObjectRef> notApplied = objects.stream().filter(o -> o.outcome() == Outcome.SKIPPED)
                .map(ObjectOutcome::object).toList();
        String error = target.at(commit) + ": " + failed.object() + " could not be applied: " + failed.reason()
                + "; applied before stopping: " + names(applied) + "; not applied: " + names(notApplied);
        return new ApplyResult(target, commit, digest, objects, ApplyStep.APPLY, failed.object(), error, List.of(), null, List.of());
    }

    /**
     * The dry run of {@code stage} was refused for one object (its outcome is the one {@link Outcome#FAILED}): nothing
     * of that stage or the later ones was written; the stages before it were applied (their objects' outcomes say how).
     */
    public static ApplyResult refusedByDryRun(TargetKey target, String commit, String digest, List<ObjectOutcome> objects,
            Stage stage) {
        ObjectOutcome failed = objects.stream().filter(o -> o.outcome() == Outcome.FAILED).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("a refused dry run has a failed object"));
        String error = target.at(commit) + ": the dry run of stage " + stage.number() + " (" + stage.title()
                + ") refused " + failed.object() + ": " + failed.reason() + "; " + writtenBefore(stage);
        return new ApplyResult(target, commit, digest, objects, ApplyStep.DRY_RUN, failed.object(), error, List.of(),
                null, List.of());
    }

    /** {@code stages 1-2 (…) were applied; nothing of stage 3 was written}, or that nothing was written. */
    static String writtenBefore(Stage stage) {
        int n = stage.number();
        String later = n < Stage.values().length ? " or of the stages after it" : "";
        if (n == 1) return "nothing was written";
        List<Stage> before = java.util.Arrays.stream(Stage.values()).filter(s -> s.number() < n).toList();
        String titles = before.stream().map(Stage::title).collect(Collectors.joining(", "));
        String applied = before.size() == 1 ? "stage 1 (" + titles + ") was applied"
                : "stages 1-" + (n - 1) + " (" + titles + ") were applied";
        return applied + "; nothing of stage " + n + later + " was written";
    }

    /**
     * True when this failed apply left the target's objects in the cluster as they were: it failed at a step that
     * writes nothing, or its dry run was refused before any object of an earlier stage was created or changed.
     */
    public boolean clusterUnchanged() {
        if (failedAt == null) return false;
        if (failedAt.clusterUnchanged()) return true;
        return failedAt == ApplyStep.DRY_RUN && objects.stream()
                .noneMatch(o -> o.outcome() == Outcome.CREATED || o.outcome() == Outcome.CONFIGURED);
    }

    /** This result, as one that waits for a newer desired state of {@code owner}. */
    public ApplyResult waitingFor(TargetKey owner) {
        return new ApplyResult(target, commit, digest, objects, failedAt, failedObject, error, removed, owner, state);
    }

    /** This result with what the server stored for the objects it wrote ({@link AppliedObject}), in apply order. */
    public ApplyResult withState(List<AppliedObject> applied) {
        return new ApplyResult(target, commit, digest, objects, failedAt, failedObject, error, removed, waitingFor, applied);
    }

    /** This result with the outcomes of the objects that left the desired state. */
    public ApplyResult withRemoved(List<ObjectOutcome> removedObjects) {
        return new ApplyResult(target, commit, digest, objects, failedAt, failedObject, error, removedObjects, null, state);
    }

    /**
     * Every object was applied, but the prune that followed did not finish: some objects that left the desired
     * state could not be deleted or released (they stay in the inventory for the next apply), or the inventory
     * could not be recorded.
     */
    public static ApplyResult pruneFailed(TargetKey target, String commit, String digest, List<ObjectOutcome> objects,
            List<ObjectOutcome> removed, String why) {
        List<ObjectRef> failed = removed.stream().filter(o -> o.outcome() == Outcome.FAILED).map(ObjectOutcome::object).toList();
        String reasons = removed.stream().filter(o -> o.outcome() == Outcome.FAILED)
                .map(o -> o.object() + ": " + o.reason()).collect(Collectors.joining("; "));
        String error = target.at(commit) + ": every object was applied, but " + (failed.isEmpty() ? why
                : "the prune of objects that left Git did not finish: " + reasons);
        return new ApplyResult(target, commit, digest, objects, ApplyStep.PRUNE, failed.isEmpty() ? null : failed.get(0),
                error, removed, null, List.of());
    }

    /**
     * The target left Git: {@code removed} says what became of each object of its inventory (none when it had no
     * inventory). No object of a desired state is involved.
     */
    public static ApplyResult removed(TargetKey target, String commit, List<ObjectOutcome> removed) {
        return new ApplyResult(target, commit, null, List.of(), null, null, null, removed, null, List.of());
    }

    /**
     * The target left Git, but its objects could not all be pruned or released ({@code why} when the failure is not
     * about an object: then the objects' outcomes name it).
     */
    public static ApplyResult removalFailed(TargetKey target, String commit, List<ObjectOutcome> removed, String why) {
        List<ObjectOutcome> failed = removed.stream().filter(o -> o.outcome() == Outcome.FAILED).toList();
        String error = target.at(commit) + ": the target left Git, but " + (failed.isEmpty() ? why
                : "the prune of its objects did not finish: " + failed.stream().map(o -> o.object() + ": " + o.reason())
                        .collect(Collectors.joining("; ")));
        return new ApplyResult(target, commit, null, List.of(), ApplyStep.PRUNE,
                failed.isEmpty() ? null : failed.get(0).object(), error, removed, null, List.of());
    }

    public boolean succeeded() {
        return failedAt == null;
    }

    /** Every object of the desired state, in apply order. */
    public List<ObjectRef> objectRefs() {
        return objects.stream().map(ObjectOutcome::object).toList();
    }

    /** How many objects, of the desired state and of those that left it, had {@code outcome}. */
    public long count(Outcome outcome) {
        return objects.stream().filter(o -> o.outcome() == outcome).count()
                + removed.stream().filter(o -> o.outcome() == outcome).count();
    }

    /** {@code 2 created, 1 configured, 3 unchanged} (outcomes that occurred, in enum order). */
    public String summary() {
        return java.util.Arrays.stream(Outcome.values()).filter(o -> count(o) > 0)
                .map(o -> count(o) + " " + o.name().toLowerCase()).collect(Collectors.joining(", "));
    }

    private static List<ObjectOutcome> skipped(List<ObjectRef> objects, String reason) {
        return objects.stream().map(o -> new ObjectOutcome(o, Outcome.SKIPPED, reason)).toList();
    }

    private static String names(List<ObjectRef> refs) {
        if (refs.isEmpty()) return "none";
        String shown = refs.stream().limit(NAMES_SHOWN).map(ObjectRef::toString).collect(Collectors.joining(", "));
        return refs.size() > NAMES_SHOWN ? shown + " and " + (refs.size() - NAMES_SHOWN) + " more" : shown;
    }
}
