package dev.verity.events;

/** A live object that had drifted matches the target's desired state again. */
public record DriftResolved(TargetKey target, String repo, String commit, ObjectRef object, String resourceVersion)
        implements TargetEvent {

    public DriftResolved {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonNull("object", object);
        resourceVersion = resourceVersion == null ? "" : resourceVersion;
    }
}
