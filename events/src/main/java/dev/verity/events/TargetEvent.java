package dev.verity.events;

import java.util.Optional;

/** An event about one target; keyed by {@code cluster/app/env} so a target's events stay in order. */
public sealed interface TargetEvent extends VerityEvent
        permits DesiredState, TargetRemoved, ApplyStarted, Applied, ApplyFailed, Pruned, AppliedState, DriftDetected,
        DriftUpdated, DriftResolved, DriftUnknown, Progressing, Healthy, Degraded, Waiting, ApplySuspended, SyncRequested {

    TargetKey target();

    @Override
    default Optional<TargetKey> targetKey() {
        return Optional.of(target());
    }
}
