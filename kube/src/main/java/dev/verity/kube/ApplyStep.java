package dev.verity.kube;

/** The steps of an apply, in order; a failure names the step it stopped at. */
public enum ApplyStep {
    /** documents parsed and checked offline; a failure here writes nothing */
    VALIDATE,
    /** every object read from the cluster to check no other target owns it; a failure here writes nothing */
    CHECK_OWNERSHIP,
    /** objects server-side applied stage by stage; a failure here stops at the failed object */
    APPLY;

    /** True when a failure at this step leaves the cluster as it was. */
    public boolean clusterUnchanged() {
        return this != APPLY;
    }
}
