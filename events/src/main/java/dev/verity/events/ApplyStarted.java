package dev.verity.events;

/**
 * The applier began converging a target to the desired state with this digest; {@code Applied} or
 * {@code ApplyFailed} follows (or nothing, if the applier stops first: a later applier starts again).
 *
 * @param objects how many objects the desired state holds
 */
public record ApplyStarted(TargetKey target, String repo, String commit, String digest, int objects)
        implements TargetEvent {

    public ApplyStarted {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        if (objects < 0) throw new IllegalArgumentException("objects must not be negative");
    }
}
