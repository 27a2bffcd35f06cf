package dev.verity.events;

import java.util.List;

/**
 * The rendered documents of one target at one commit: the latest one per target is kept on the compacted
 * topic {@code verity.desired.<cluster>}. Documents are YAML, one Kubernetes object each, in apply order.
 */
public record DesiredState(TargetKey target, String repo, String commit, String path, String digest,
        Policy policy, List<String> documents) implements TargetEvent {

    public DesiredState {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        policy = policy == null ? Policy.DEFAULT : policy;
        documents = documents == null ? List.of() : List.copyOf(documents);
    }

    /** Builds a desired state whose digest is computed from its documents. */
    public static DesiredState of(TargetKey target, String repo, String commit, String path, Policy policy,
            List<String> documents) {
        return new DesiredState(target, repo, commit, path, Digests.ofDocuments(documents), policy, documents);
    }
}
