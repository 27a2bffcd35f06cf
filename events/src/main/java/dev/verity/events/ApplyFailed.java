package dev.verity.events;

/**
 * The applier could not converge a target to the desired state with this digest.
 *
 * @param object the object that failed, or null when the failure is not about one object
 * @param error  what failed and what to do; never contains Secret values
 */
public record ApplyFailed(TargetKey target, String repo, String commit, String digest, ObjectRef object,
        String error) implements TargetEvent {

    public ApplyFailed {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("error", error);
    }
}
