package dev.verity.events;

import java.util.List;

/**
 * Objects that left a target were taken out of the cluster or released from it: after an apply whose desired state
 * no longer holds them, or when the target itself left Git ({@code targetRemoved}).
 *
 * @param digest        the desired state the prune followed; null when the target was removed
 * @param targetRemoved the whole target left Git; its inventory is gone when nothing stays {@code waiting}
 * @param pruned        the objects deleted (or found already gone)
 * @param kept          the objects left in the cluster, released from the target (Verity's annotation and labels
 *                      removed), each with why: a kind Verity never prunes unless the policy opts in, the target's
 *                      policy {@code prune: false}, or the object's annotation {@code verity.dev/prune: disabled}
 * @param failed        the objects whose prune failed (they stay in the inventory and are tried again), with why
 */
public record Pruned(TargetKey target, String repo, String commit, String digest, boolean targetRemoved,
        List<ObjectRef> pruned, List<ObjectReason> kept, List<ObjectReason> failed) implements TargetEvent {

    public Pruned {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        pruned = pruned == null ? List.of() : List.copyOf(pruned);
        kept = kept == null ? List.of() : List.copyOf(kept);
        failed = failed == null ? List.of() : List.copyOf(failed);
    }
}
