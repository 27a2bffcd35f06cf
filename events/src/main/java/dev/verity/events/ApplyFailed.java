package dev.verity.events;

import java.util.List;

/**
 * The applier could not converge a target to the desired state with this digest.
 *
 * @param object   the object that failed first, or null when the failure is not about one object
 * @param error    what failed and what to do; never contains Secret values
 * @param failures every object that failed, each with its reason (empty when the failure is not about objects, and
 *                 in events written before it existed)
 */
public record ApplyFailed(TargetKey target, String repo, String commit, String digest, ObjectRef object,
        String error, List<ObjectReason> failures) implements TargetEvent {

    public ApplyFailed {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("error", error);
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    public ApplyFailed(TargetKey target, String repo, String commit, String digest, ObjectRef object, String error) {
        this(target, repo, commit, digest, object, error, List.of());
    }
}
