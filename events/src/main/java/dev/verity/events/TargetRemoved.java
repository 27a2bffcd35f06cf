package dev.verity.events;

/** A target's overlay left Git at {@code commit}; a tombstone for its key follows on the desired-state topic. */
public record TargetRemoved(TargetKey target, String repo, String commit) implements TargetEvent {

    public TargetRemoved {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
    }
}
