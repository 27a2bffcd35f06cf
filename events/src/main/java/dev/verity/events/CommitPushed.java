package dev.verity.events;

import java.util.List;

/**
 * A forge reported a push to a branch (or the branch's creation). The renderer treats it as a hint to fetch: it
 * renders the branch head after fetching, never {@link #after()} itself.
 *
 * @param repo          the repository clone URL, as configured for the webhook (never taken from a payload's URLs
 *                      once the webhook has a per-repository endpoint)
 * @param branch        the branch name without {@code refs/heads/}
 * @param before        the branch head before the push (40 zeros when the branch was created)
 * @param after         the branch head after the push
 * @param changedPaths  paths added, modified or removed by the pushed commits, as far as the forge listed them
 * @param deliveryId    the forge's delivery id, for tracing a webhook to its effects
 * @param forge         which forge sent it (github, gitlab, …)
 * @param pathsComplete true only when the forge listed every pushed commit, so {@code changedPaths} is the whole
 *                      change; false when it may be partial (forges cap the commit list: GitLab 20, Gitea/Forgejo 5,
 *                      Bitbucket Cloud says {@code truncated}; a new branch or a force push lists none or some).
 *                      Records written before this field existed read as false: a consumer must not skip work
 *                      because a path is missing from an incomplete list
 * @param pusher        who pushed, as the forge names them (login or display name), or null when not said
 */
public record CommitPushed(String repo, String branch, String before, String after, List<String> changedPaths,
        String deliveryId, String forge, Boolean pathsComplete, String pusher) implements VerityEvent {

    public CommitPushed {
        Require.nonBlank("repo", repo);
        Require.nonBlank("branch", branch);
        Require.nonBlank("after", after);
        changedPaths = changedPaths == null ? List.of() : List.copyOf(changedPaths);
        pathsComplete = Boolean.TRUE.equals(pathsComplete);
    }

    /** A push whose changed paths are not known to be complete, and whose pusher is not said. */
    public CommitPushed(String repo, String branch, String before, String after, List<String> changedPaths,
            String deliveryId, String forge) {
        this(repo, branch, before, after, changedPaths, deliveryId, forge, false, null);
    }

    @Override
    public String commit() {
        return after;
    }

    /**
     * The repository's {@link RepoIdentity} ({@link CommitPartitions#key}), so that every push to one repository, in
     * whatever URL form, is on one partition of {@code verity.commits}; the URL itself if it names no repository.
     */
    @Override
    public String key() {
        return CommitPartitions.keyOrUrl(repo);
    }
}
