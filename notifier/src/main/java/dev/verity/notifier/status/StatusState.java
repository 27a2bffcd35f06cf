package dev.verity.notifier.status;

/**
 * Where a commit stands in one target, as Verity tells the forge; each forge names these in its own words
 * ({@link ForgeKind#state}).
 */
public enum StatusState {
    /** Being applied (or waiting to be): not final. */
    PENDING,
    /** Applied and healthy: final. */
    SUCCESS,
    /** Failed to render, to apply, or went degraded: final. */
    FAILURE,
    /** Will never be applied: a newer commit for the same target came first (superseded). Final. */
    ERROR;

    public boolean isFinal() {
        return this != PENDING;
    }
}
