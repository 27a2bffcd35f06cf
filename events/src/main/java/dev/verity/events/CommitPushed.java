package dev.verity.events;

import java.util.List;

/**
 * A forge reported a push to a branch. The renderer treats it as a hint to fetch: it renders the branch head
 * after fetching, never {@link #after()} itself.
 *
 * @param repo         the repository clone URL as the forge reports it
 * @param branch       the branch name without {@code refs/heads/}
 * @param before       the branch head before the push (40 zeros when the branch was created)
 * @param after        the branch head after the push
 * @param changedPaths paths added, modified or removed by the pushed commits (may be incomplete: forges cap it)
 * @param deliveryId   the forge's delivery id, for tracing a webhook to its effects
 * @param forge        which forge sent it (github, gitlab, …)
 */
public record CommitPushed(String repo, String branch, String before, String after, List<String> changedPaths,
        String deliveryId, String forge) implements VerityEvent {

    public CommitPushed {
        Require.nonBlank("repo", repo);
        Require.nonBlank("branch", branch);
        Require.nonBlank("after", after);
        changedPaths = changedPaths == null ? List.of() : List.copyOf(changedPaths);
    }

    @Override
    public String commit() {
        return after;
    }
}
