package dev.verity.events;

import java.util.List;

/** The applier converged a target to the desired state with this digest. */
public record Applied(TargetKey target, String repo, String commit, String digest, List<ObjectRef> objects)
        implements TargetEvent {

    public Applied {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        objects = objects == null ? List.of() : List.copyOf(objects);
    }
}
