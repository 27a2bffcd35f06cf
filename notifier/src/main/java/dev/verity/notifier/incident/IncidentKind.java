package dev.verity.notifier.incident;

/** What kind of trouble an incident is about; a target has at most one open incident of each kind. */
public enum IncidentKind {
    /** Objects differ from their desired state (opened by DriftDetected, resolved when every object is back). */
    DRIFT,
    /** The latest rollout failed (ApplyFailed; resolved by Applied). */
    ROLLOUT_FAILURE,
    /** The applied objects are not healthy (Degraded; resolved by Healthy). */
    DEGRADED,
    /** The target, or the whole repository, cannot be rendered (RenderFailed; resolved by a later commit applied). */
    RENDER_FAILURE,
    /**
     * Whether objects match Git cannot be told (DriftUnknown: the cluster answered an error, or the desired state is
     * unreadable); resolved when every such object is compared again (its DriftResolved or DriftDetected), or, for a
     * whole target, at the target's next comparison.
     */
    DRIFT_UNKNOWN
}
