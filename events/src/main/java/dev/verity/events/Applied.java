package dev.verity.events;

import java.util.List;

/**
 * The applier converged a target to the desired state with this digest.
 *
 * @param objects every object of the desired state, in apply order
 * @param counts  how many objects were created, configured, unchanged, pruned and kept; all zero in events written
 *                before it existed
 */
public record Applied(TargetKey target, String repo, String commit, String digest, List<ObjectRef> objects,
        ApplyCounts counts) implements TargetEvent {

    public Applied {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        objects = objects == null ? List.of() : List.copyOf(objects);
        counts = counts == null ? ApplyCounts.NONE : counts;
    }

    public Applied(TargetKey target, String repo, String commit, String digest, List<ObjectRef> objects) {
        this(target, repo, commit, digest, objects, ApplyCounts.NONE);
    }
}
