package dev.verity.events;

import java.util.List;

/**
 * A target's overlay left Git at {@code commit}; a tombstone for its key follows on the desired-state topic.
 *
 * @param commitTargets the targets whose desired state the renderer published for this same commit (as
 *                      {@link DesiredState#commitTargets()}): an object of the removed target may be moving to one
 *                      of them, so an applier pruning it waits for their desired states. Empty when not told (events
 *                      written before it existed).
 */
public record TargetRemoved(TargetKey target, String repo, String commit, List<TargetKey> commitTargets)
        implements TargetEvent {

    public TargetRemoved {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        commitTargets = commitTargets == null ? List.of() : List.copyOf(commitTargets);
    }

    public TargetRemoved(TargetKey target, String repo, String commit) {
        this(target, repo, commit, List.of());
    }
}
