package dev.verity.kube;

/** What an apply did to one object. */
public enum Outcome {
    /** the object did not exist and was created */
    CREATED,
    /**
     * the object existed and the apply changed it; also when it was deleted and created again to change an immutable
     * field ({@code recreate: true}), with a reason saying so
     */
    CONFIGURED,
    /** the object already matched: the apply wrote nothing */
    UNCHANGED,
    /** the object could not be written; see the reason */
    FAILED,
    /** not written, because the apply stopped before reaching it */
    SKIPPED,
    /** it left the desired state and was deleted (or was already gone) */
    PRUNED,
    /** it left the desired state but stays in the cluster, released from the target; see the reason */
    KEPT,
    /** it left the desired state, and another target's latest desired state holds it: handed over, not touched */
    MOVED,
    /** it left the desired state; its prune waits for another target of the same commit, which may take it over */
    WAITING;

    /** True when the object is in the desired state in the cluster after the apply. */
    public boolean applied() {
        return this == CREATED || this == CONFIGURED || this == UNCHANGED;
    }
}
