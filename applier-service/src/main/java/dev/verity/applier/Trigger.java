package dev.verity.applier;

/**
 * Why a target's desired state is applied: a desired state arrived ({@link #DESIRED}), a failed digest's
 * {@code retryInterval} is over ({@link #RETRY}), the target's {@code interval} is over with nothing new
 * ({@link #INTERVAL}), or the drift monitor reported drift on a {@code selfHeal} target ({@link #DRIFT}).
 */
enum Trigger {
    DESIRED, RETRY, INTERVAL, DRIFT;

    /**
     * Whether the apply re-applies a digest already applied: then no {@code ApplyStarted} is published, and
     * {@code AppliedState} and {@code Applied} only when objects were created, changed or pruned (as Flux reports a
     * periodic reconciliation only when it changed something); an {@code ApplyFailed} always.
     */
    boolean reapplies() {
        return this == INTERVAL || this == DRIFT;
    }
}
