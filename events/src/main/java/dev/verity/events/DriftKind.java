package dev.verity.events;

/** How a live object differs from its desired state. */
public enum DriftKind {
    /** a field Verity applied has another value in the cluster */
    MODIFIED,
    /** an object Verity applied is gone from the cluster */
    DELETED,
    /** an object carries a target's annotation but is not in that target's desired state */
    UNEXPECTED
}
