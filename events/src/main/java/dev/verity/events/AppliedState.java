package dev.verity.events;

import java.util.List;

/**
 * What the applier wrote for a target, as the API server stored it: per object, Verity's field set and the values
 * the server returned for those fields ({@link AppliedObject}). Published on the compacted
 * {@code verity.applied.<cluster>} (key: the target) after every apply that wrote objects, successful or not; a
 * tombstone follows when the target's objects leave Verity (target removed). Only objects written by this apply are
 * listed when it stopped early ({@code complete} false).
 *
 * @param complete true when every object of the desired state was applied
 */
public record AppliedState(TargetKey target, String repo, String commit, String digest, boolean complete,
        List<AppliedObject> objects) implements TargetEvent {

    public AppliedState {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        objects = objects == null ? List.of() : List.copyOf(objects);
    }
}
