package dev.verity.kube;

import dev.verity.events.DesiredState;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;

import java.util.List;
import java.util.Objects;

/**
 * A change of one target at one commit of its repository — a new desired state or the target's removal — with the
 * other targets the renderer published for that same commit: an object leaving this target may be joining one of
 * them ({@link OtherTargets#inFlight}).
 */
public record TargetChange(TargetKey target, String repo, String commit, List<TargetKey> commitTargets) {

    public TargetChange {
        Objects.requireNonNull(target, "target");
        commitTargets = commitTargets == null ? List.of() : List.copyOf(commitTargets);
    }

    public static TargetChange of(DesiredState desired) {
        return new TargetChange(desired.target(), desired.repo(), desired.commit(), desired.commitTargets());
    }

    public static TargetChange of(TargetRemoved removed) {
        return new TargetChange(removed.target(), removed.repo(), removed.commit(), removed.commitTargets());
    }
}
