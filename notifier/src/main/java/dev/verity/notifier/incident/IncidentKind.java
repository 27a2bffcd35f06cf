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
    RENDER_FAILURE
}
