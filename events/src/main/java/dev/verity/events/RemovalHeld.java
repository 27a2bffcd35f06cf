package dev.verity.events;

import java.util.List;

/**
 * A commit removes most of a repository's targets at once (their overlays, apps or environments left Git), which is
 * more often a mistake — a moved folder, a broken {@code verity.yaml}, a bad merge — than a wish to delete them: the
 * renderer holds the removal, so nothing is pruned and the targets keep their last desired state, until a following
 * commit that still lacks them confirms it, or {@code verity.yaml} allows it ({@code allowMassRemoval: true}).
 *
 * @param targets   the targets the commit would remove
 * @param published how many targets of the repository were published before the commit
 */
public record RemovalHeld(String repo, String commit, List<TargetKey> targets, int published) implements VerityEvent {

    public RemovalHeld {
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        targets = targets == null ? List.of() : List.copyOf(targets);
        if (targets.isEmpty()) throw new IllegalArgumentException("targets is required");
    }
}
