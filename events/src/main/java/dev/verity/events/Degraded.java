package dev.verity.events;

import java.util.List;

/**
 * A target's objects were applied but did not become ready: an object failed by the kstatus rules (a Deployment's
 * {@code Progressing=False ProgressDeadlineExceeded}, a Job's {@code Failed}, a custom resource's {@code Stalled}),
 * or objects were still not ready when the policy's {@code healthTimeout} ran out ({@code timedOut}).
 *
 * @param error    what is wrong, naming the target and the objects, and what to look at; never Secret values
 * @param objects  each failing (or, when timed out, not ready) object with its condition, reason and message
 * @param timedOut true when the objects were still in progress after {@code healthTimeout}, false when one failed
 */
public record Degraded(TargetKey target, String repo, String commit, String digest, String error,
        List<ObjectReason> objects, boolean timedOut) implements TargetEvent {

    public Degraded {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        Require.nonBlank("error", error);
        objects = objects == null ? List.of() : List.copyOf(objects);
    }
}
