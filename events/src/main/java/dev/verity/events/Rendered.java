package dev.verity.events;

import java.util.List;

/**
 * The renderer finished a head of a repository branch: which targets that commit changed, which it left as they were,
 * and which failed to render. Published on {@code verity.rollout} (key: the repository) once every desired state,
 * {@code RenderFailed} and removal of the head was published, so a reader that sees it has seen what it names. It is
 * what tells a commit's readers (the notifier's commit statuses) that rendering is over and which environments the
 * commit touches; older readers skip it as an unknown type.
 *
 * @param repo      the repository URL, as the renderer is configured with it
 * @param branch    the branch rendered
 * @param commit    the head rendered (after fetching: a newer commit than a push named, when one came meanwhile)
 * @param changed   targets whose desired state changed and was published at this commit (they will be applied)
 * @param unchanged targets whose desired state stays as it was (not built: none of their files changed; or built to
 *                  the same documents): nothing is applied for them at this commit
 * @param failed    targets whose build failed ({@code RenderFailed}; their clusters keep the last good state)
 * @param removed   targets that left Git at this commit ({@code TargetRemoved}); a held mass removal is not listed
 */
public record Rendered(String repo, String branch, String commit, List<TargetKey> changed, List<TargetKey> unchanged,
        List<TargetKey> failed, List<TargetKey> removed) implements VerityEvent {

    public Rendered {
        Require.nonBlank("repo", repo);
        Require.nonBlank("branch", branch);
        Require.nonBlank("commit", commit);
        changed = changed == null ? List.of() : List.copyOf(changed);
        unchanged = unchanged == null ? List.of() : List.copyOf(unchanged);
        failed = failed == null ? List.of() : List.copyOf(failed);
        removed = removed == null ? List.of() : List.copyOf(removed);
    }
}
