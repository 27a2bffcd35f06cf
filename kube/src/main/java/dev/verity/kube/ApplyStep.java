package dev.verity.kube;

/** The steps of an apply, in order; a failure names the step it stopped at. */
public enum ApplyStep {
    /** documents parsed and checked offline; a failure here writes nothing */
    VALIDATE,
    /** every object read from the cluster to check no other target owns it; a failure here writes nothing */
    CHECK_OWNERSHIP,
    /**
     * the target's inventory read, and recorded with the new objects before any is written; a failure here writes
     * nothing (a target that renders no objects while its inventory holds some is refused here)
     */
    INVENTORY,
    /**
     * the objects of one stage server-side applied with {@code dryRun=All}, before any of them is written; a refusal
     * here writes nothing of that stage, but the stages before it were applied
     */
    DRY_RUN,
    /** objects server-side applied stage by stage; a failure here stops at the failed object */
    APPLY,
    /** objects that left the desired state deleted or released, and the inventory recorded without them */
    PRUNE;

    /**
     * True when a failure at this step always leaves the cluster as it was. A {@link #DRY_RUN} refusal does not:
     * the stages before the refused one were applied ({@link ApplyResult#clusterUnchanged()} tells per result).
     */
    public boolean clusterUnchanged() {
        return this != DRY_RUN && this != APPLY && this != PRUNE;
    }
}
