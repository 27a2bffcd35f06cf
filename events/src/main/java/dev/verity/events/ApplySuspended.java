package dev.verity.events;

/**
 * The applier did not apply the desired state with this digest because the target's policy says
 * {@code suspend: true} (as Flux's {@code Suspended}): nothing in the cluster was changed, retried, reconciled
 * periodically or healed for it. Published once per digest and policy; applying resumes with the first desired state
 * whose policy no longer suspends the target.
 */
public record ApplySuspended(TargetKey target, String repo, String commit, String digest) implements TargetEvent {

    public ApplySuspended {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
    }
}
