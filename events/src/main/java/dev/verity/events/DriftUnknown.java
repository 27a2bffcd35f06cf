package dev.verity.events;

/**
 * Whether an object matches its desired state cannot be told: the cluster answered an error (forbidden, not
 * reachable, a server error) or the target's desired state cannot be read. Never a claim that the object is in
 * sync: {@link DriftResolved} follows once it is read and matches again. A type of its own rather than a
 * {@link DriftKind} of {@link DriftDetected}, so that consumers that act on drift (self-heal) never act on it and
 * older consumers skip it as an unknown type instead of failing on an unknown kind.
 *
 * @param object the object, or null when the whole target cannot be compared (its desired state is unreadable)
 * @param reason what failed, e.g. {@code 403 Forbidden: deployments.apps "web" is forbidden}; never object content
 */
public record DriftUnknown(TargetKey target, String repo, String commit, ObjectRef object, String reason)
        implements TargetEvent {

    public DriftUnknown {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("reason", reason);
    }
}
