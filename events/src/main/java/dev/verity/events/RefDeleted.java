package dev.verity.events;

/**
 * A forge reported that a branch was deleted. Published on {@code verity.commits} keyed by the repository's identity, like
 * {@link CommitPushed}; consumers that do not know this type skip it. The renderer alerts when it renders the
 * branch and changes nothing in the clusters: a deleted branch is a mistake to look at, not a removal.
 *
 * @param repo       the repository clone URL, as configured for the webhook (never taken from a payload's URLs
 *                   once the webhook has a per-repository endpoint)
 * @param branch     the deleted branch, without {@code refs/heads/}
 * @param before     the branch head just before the deletion; 40 zeros when the forge does not say (Gitea's and
 *                   Forgejo's {@code delete} event names no commit)
 * @param deliveryId the forge's delivery id, or null when the request carried none
 * @param forge      which forge sent it (github, gitlab, …)
 * @param pusher     who deleted it, as the forge names them, or null when not said
 */
public record RefDeleted(String repo, String branch, String before, String deliveryId, String forge, String pusher)
        implements VerityEvent {

    public RefDeleted {
        Require.nonBlank("repo", repo);
        Require.nonBlank("branch", branch);
        Require.nonBlank("before", before);
    }

    /** The last commit the branch pointed at. */
    @Override
    public String commit() {
        return before;
    }

    /** The repository's {@link RepoIdentity}, as {@link CommitPushed#key()}: on the same partition as its pushes. */
    @Override
    public String key() {
        return CommitPartitions.keyOrUrl(repo);
    }
}
