package dev.verity.applier;

/**
 * Why a target's desired state is applied: a desired state arrived ({@link #DESIRED}), a failed digest's
 * {@code retryInterval} is over ({@link #RETRY}), the target's {@code interval} is over with nothing new
 * ({@link #INTERVAL}), the drift monitor reported drift on a {@code selfHeal} target ({@link #DRIFT}), or someone
 * asked for it ({@link #SYNC}, {@code ./verity sync}: applied even when its digest is applied already, and reported
 * in full, {@code ApplyStarted} included, since someone waits for the answer).
 */
enum Trigger {
    DESIRED, RETRY, INTERVAL, DRIFT, SYNC;

    /**
     * Whether the apply re-applies a digest already applied: then no {@code ApplyStarted} is published, and
     * {@code AppliedState} and {@code Applied} only when objects were created, changed or pruned (as Flux reports a
     * periodic reconciliation only when it changed something); an {@code ApplyFailed} always.
     */
    boolean reapplies() {
        return this == INTERVAL || this == DRIFT;
    }
}
